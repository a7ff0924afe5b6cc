package org.stableloss.dl4j.embeddings;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A repeatable measurement (not a test), two parts:
 * <ul>
 *   <li>{@code speed}: one {@code fit()} step of the skip-gram graph with DL4J's embedding layers (Adam, as the main
 *       job) and with the row-sparse ones (AdaGrad), at V = 10k, 100k, 1M sample rows (1,000 tags, d = 32, K = 5),
 *       batch 256 and 2048; interleaved (dense, row-sparse, dense, ...), best of N steps after warm-up (50 steps, 15 at 1M); prints ms per
 *       step and the ratio;</li>
 *   <li>{@code quality}: the row optimizers (and dense Adam) on a small planted problem: 3,000 samples in 30 topics
 *       of 10 tags (300 tags), 4 training tags per sample; filtered hits@10 of a held-out topic tag and the wall time
 *       after E epochs.</li>
 * </ul>
 * Run: {@code mvn -B -o -q -pl dl4j-stable-loss-embeddings -am test-compile} then
 * {@code java --add-modules jdk.incubator.vector -cp <test classpath> org.stableloss.dl4j.embeddings.RowSparseBenchmark
 * speed|quality|layout}, or through surefire's classpath via {@code NOTES-FOR-LEAD.md}'s command.
 */
public final class RowSparseBenchmark {

    private RowSparseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "speed";
        if (mode.equals("quality")) {
            quality();
        } else if (mode.equals("layout")) {
            layout();
        } else {
            long[] sizes = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).mapToLong(Long::parseLong)
                    .toArray() : new long[] {10_000, 100_000, 1_000_000};
            speed(sizes);
        }
    }

    private static void speed(long[] sizes) {
        int tags = 1000;
        int dim = 32;
        int neg = 5;
        System.out.printf(Locale.ROOT, "JDK %s, %d cores, OMP_NUM_THREADS=%s%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), System.getenv("OMP_NUM_THREADS"));
        System.out.println("samples  batch  dense_ms  rowsparse_ms  dense/rowsparse  rowsparse_gradient_only_ms"
                + "  params_minus_gradient_ms");
        for (long v : sizes) {
            for (int batch : new int[] {256, 2048}) {
                int samples = (int) v;
                ComputationGraph dense = SkipGramNets.graph(samples, tags, dim, neg, null, new Adam(0.01),
                        DataType.FLOAT, true, 1);
                ComputationGraph rows = SkipGramNets.graph(samples, tags, dim, neg,
                        new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.1, false), new Adam(0.01), DataType.FLOAT, true,
                        1);
                Random random = new Random(2);
                List<MultiDataSet> data = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    data.add(SkipGramNets.batch(random, batch, samples, tags, neg, DataType.FLOAT));
                }
                int steps = v >= 1_000_000 ? 15 : 50;
                double bestDense = Double.MAX_VALUE;
                double bestRows = Double.MAX_VALUE;
                double bestRowsGradient = Double.MAX_VALUE;
                double bestPass = Double.MAX_VALUE;
                INDArray passOut = rows.params().dup();
                for (int i = 0; i < steps + 3; i++) {
                    MultiDataSet b = data.get(i % data.size());
                    long t0 = System.nanoTime();
                    dense.fit(b);
                    long t1 = System.nanoTime();
                    rows.fit(b);
                    long t2 = System.nanoTime();
                    rows.setInputs(b.getFeatures());
                    rows.setLabels(b.getLabels());
                    long t3 = System.nanoTime();
                    rows.computeGradientAndScore();
                    long t4 = System.nanoTime();
                    rows.params().sub(rows.gradient().gradient(), passOut);   // the step's pass, out of place
                    long t5 = System.nanoTime();
                    if (i >= 3) {
                        bestDense = Math.min(bestDense, (t1 - t0) / 1e6);
                        bestRows = Math.min(bestRows, (t2 - t1) / 1e6);
                        bestRowsGradient = Math.min(bestRowsGradient, (t4 - t3) / 1e6);
                        bestPass = Math.min(bestPass, (t5 - t4) / 1e6);
                    }
                }
                System.out.printf(Locale.ROOT, "%8d  %5d  %8.2f  %12.3f  %8.1fx  %10.3f  %10.3f%n", v, batch,
                        bestDense, bestRows, bestDense / bestRows, bestRowsGradient, bestPass);
            }
        }
        System.out.printf(Locale.ROOT, "max RSS (VmHWM) %s%n", vmHwm());
    }

    /**
     * Gathering 1,536 random rows (batch 256 x (K+1)) of d = 32 from a [1M, 32] FLOAT table through the host buffer,
     * row-major (a row is 32 consecutive floats) against column-major (DL4J's layout: a row's values lie V apart);
     * interleaved, best of 50.
     */
    private static void layout() {
        int v = 1_000_000;
        int d = 32;
        int n = 1536;
        INDArray rowMajor = Nd4j.rand(DataType.FLOAT, v, d);
        INDArray columnMajor = rowMajor.dup('f');
        java.nio.FloatBuffer c = rowMajor.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        java.nio.FloatBuffer f = columnMajor.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        Random random = new Random(1);
        float[] out = new float[n * d];
        double bestC = Double.MAX_VALUE;
        double bestF = Double.MAX_VALUE;
        double check = 0;
        for (int rep = 0; rep < 60; rep++) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = random.nextInt(v);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                c.get(idx[i] * d, out, i * d, d);
            }
            long t1 = System.nanoTime();
            check += out[n * d - 1];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    out[i * d + j] = f.get(j * v + idx[i]);
                }
            }
            long t2 = System.nanoTime();
            check += out[n * d - 1];
            if (rep >= 10) {
                bestC = Math.min(bestC, (t1 - t0) / 1e3);
                bestF = Math.min(bestF, (t2 - t1) / 1e3);
            }
        }
        System.out.printf(Locale.ROOT, "gather %d rows of %d from %d: row-major %.1f us, column-major %.1f us (%.1fx)"
                + " [checksum %.3f]%n", n, d, v, bestC, bestF, bestF / bestC, check);
    }

    private static String vmHwm() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM")) {
                    return line.substring(6).trim();
                }
            }
        } catch (Exception e) {
            return "n/a (" + e.getMessage() + ")";
        }
        return "n/a";
    }

    /** Planted topics; see the class comment. */
    private static void quality() {
        int samples = 3000;
        int topics = 30;
        int perTopic = 10;
        int tags = topics * perTopic;
        int dim = 32;
        int neg = 5;
        int batch = 256;
        int epochs = Integer.getInteger("epochs", 5);
        Random random = new Random(1);
        int[][] train = new int[samples][];
        int[] heldOut = new int[samples];
        for (int s = 0; s < samples; s++) {
            int topic = s % topics;
            List<Integer> own = new ArrayList<>();
            for (int k = 0; k < perTopic; k++) {
                own.add(topic * perTopic + k);
            }
            java.util.Collections.shuffle(own, random);
            train[s] = new int[] {own.get(0), own.get(1), own.get(2), own.get(3)};
            heldOut[s] = own.get(4);
        }
        List<int[]> pairs = new ArrayList<>();
        for (int s = 0; s < samples; s++) {
            for (int t : train[s]) {
                pairs.add(new int[] {s, t});
            }
        }
        System.out.printf(Locale.ROOT, "%d samples, %d tags, %d pairs, %d epochs, batch %d%n", samples, tags,
                pairs.size(), epochs, batch);
        System.out.println("model                 hits@10  seconds");
        Object[][] models = {
                {"dense Adam 0.01", null},
                {"rows ADAGRAD 0.05", new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.05, false)},
                {"rows ADAGRAD 0.1", new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.1, false)},
                {"rows ADAGRAD 0.3", new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.3, false)},
                {"rows SGD 10", new SkipGramNets.Rows(RowOptimizer.SGD, 10, false)},
                {"rows SGD 50", new SkipGramNets.Rows(RowOptimizer.SGD, 50, false)},
                {"rows SGD 200", new SkipGramNets.Rows(RowOptimizer.SGD, 200, false)},
        };
        for (Object[] m : models) {
            ComputationGraph g = SkipGramNets.graph(samples, tags, dim, neg, (SkipGramNets.Rows) m[1], new Adam(0.01),
                    DataType.FLOAT, true, 3);
            Random r = new Random(4);
            long t0 = System.nanoTime();
            for (int e = 0; e < epochs; e++) {
                java.util.Collections.shuffle(pairs, r);
                for (int from = 0; from < pairs.size(); from += batch) {
                    int mb = Math.min(batch, pairs.size() - from);
                    INDArray sample = Nd4j.create(DataType.FLOAT, mb, 1);
                    INDArray tagIdx = Nd4j.create(DataType.FLOAT, mb, neg + 1);
                    INDArray labels = Nd4j.zeros(DataType.FLOAT, mb, neg + 1);
                    for (int b = 0; b < mb; b++) {
                        int[] p = pairs.get(from + b);
                        sample.putScalar(b, 0, p[0]);
                        tagIdx.putScalar(b, 0, p[1]);
                        labels.putScalar(b, 0, 1);
                        for (int k = 1; k <= neg; k++) {
                            tagIdx.putScalar(b, k, r.nextInt(tags));
                        }
                    }
                    g.fit(new MultiDataSet(new INDArray[] {sample, tagIdx}, new INDArray[] {labels}));
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            INDArray scores = g.getLayer("sampleEmb").getParam("W").mmul(g.getLayer("tagEmb").getParam("W")
                    .transpose());
            int hits = 0;
            for (int s = 0; s < samples; s++) {
                Set<Integer> known = new HashSet<>();
                for (int t : train[s]) {
                    known.add(t);
                }
                float target = scores.getFloat(s, heldOut[s]);
                int better = 0;
                for (int t = 0; t < tags; t++) {
                    if (t != heldOut[s] && !known.contains(t) && scores.getFloat(s, t) > target) {
                        better++;
                    }
                }
                if (better < 10) {
                    hits++;
                }
            }
            System.out.printf(Locale.ROOT, "%-20s  %7.3f  %7.1f%n", m[0], hits / (double) samples, seconds);
        }
        System.out.println("pid " + ManagementFactory.getRuntimeMXBean().getPid());
    }
}

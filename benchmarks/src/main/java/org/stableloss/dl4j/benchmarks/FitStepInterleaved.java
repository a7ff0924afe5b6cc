package org.stableloss.dl4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FitStepBenchmark}'s networks and minibatch, timed step block by step block in one JVM, the peers taking
 * turns: a check of {@link FitStepReport}'s ratios that holds up on a busy machine, where a slow spell lasting
 * seconds hits one JMH fork and not the next. For each shape it builds the {@code LossSkipGram},
 * {@code LossBinaryXENT} and {@code floor} networks, warms each up, then runs rounds; in each round every peer
 * times one block of steps (about 50 ms), the order rotating from round to round. It prints, per shape, each peer's
 * fastest block (ms per step) and the <b>paired ratio</b>: the median over rounds of LossSkipGram's block over
 * LossBinaryXENT's block of the same round.
 *
 * <p>Arguments: {@code [rounds (default 40)] [shapes, default 256x6,256x1024,2048x1024,4096x1024] [dtype, default
 * FLOAT]}. The JVM's own flags decide the path (run it with or without {@code --add-modules jdk.incubator.vector}).
 */
public final class FitStepInterleaved {

    private static final String[] PEERS = {"LossSkipGram", "LossBinaryXENT", "floor"};

    private FitStepInterleaved() {
    }

    /**
     * @param args rounds, shapes (comma-separated {@code MBxNOUT}) and dtype, each optional
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        String[] shapes = (args.length > 1 ? args[1] : "256x6,256x1024,2048x1024,4096x1024").split(",");
        DataType dt = DataType.valueOf(args.length > 2 ? args[2] : "FLOAT");
        System.out.printf(Locale.ROOT, "FitStepInterleaved, %s, %d rounds, JDK %s, vector module %s%n%n", dt, rounds,
                Runtime.version(), ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        System.out.println("| shape | LossSkipGram ms | LossBinaryXENT ms | floor ms | paired ratio (median) |"
                + " ratio of fastest |");
        System.out.println("|---|---|---|---|---|---|");
        for (String shape : shapes) {
            run(shape, rounds, dt);
        }
    }

    private static void run(String shape, int rounds, DataType dt) {
        String[] mbByOut = shape.split("x");
        int mb = Integer.parseInt(mbByOut[0]);
        int nOut = Integer.parseInt(mbByOut[1]);
        Nd4j.getRandom().setSeed(42);
        INDArray features = Nd4j.randn(DataType.DOUBLE, mb, FitStepBenchmark.HIDDEN).castTo(dt);
        INDArray labels = Nd4j.zeros(dt, mb, nOut);
        for (int c = 0; c < nOut; c += 6) {
            labels.getColumn(c).assign(1);
        }
        DataSet batch = new DataSet(features, labels);
        MultiLayerNetwork[] nets = new MultiLayerNetwork[PEERS.length];
        int[] steps = new int[PEERS.length];
        for (int p = 0; p < PEERS.length; p++) {
            nets[p] = FitStepBenchmark.network(PEERS[p], nOut, dt);
            long start = System.nanoTime();
            int n = 0;
            while (n < 20 || System.nanoTime() - start < 2_000_000_000L) {
                nets[p].fit(batch);
                n++;
            }
            double msPerStep = (System.nanoTime() - start) / 1e6 / n;
            steps[p] = (int) Math.max(1, Math.round(50 / msPerStep));
        }
        int block = Arrays.stream(steps).min().orElseThrow();
        double[][] ms = new double[PEERS.length][rounds];
        List<Double> ratios = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < PEERS.length; k++) {
                int p = (k + r) % PEERS.length;
                long t0 = System.nanoTime();
                for (int s = 0; s < block; s++) {
                    nets[p].fit(batch);
                }
                ms[p][r] = (System.nanoTime() - t0) / 1e6 / block;
            }
            ratios.add(ms[0][r] / ms[1][r]);
        }
        ratios.sort(null);
        double[] best = new double[PEERS.length];
        for (int p = 0; p < PEERS.length; p++) {
            best[p] = Arrays.stream(ms[p]).min().orElseThrow();
        }
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |%n", shape, best[0], best[1], best[2],
                ratios.get(ratios.size() / 2), best[0] / best[1]);
    }
}

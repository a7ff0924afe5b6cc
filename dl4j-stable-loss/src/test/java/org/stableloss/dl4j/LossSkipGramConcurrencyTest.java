package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One LossSkipGram instance shared by 4 threads (as DL4J's ParallelWrapper and Spark local mode share it), each
 * calling computeGradientAndScore on its own arrays 50 times: every result is the serial result on the same inputs,
 * an earlier result is not overwritten by a later call, and no input is modified. On the host path's scalar loops
 * and on the portable ND4J path (per-thread workspaces) the results are bit-identical. On the default path, where
 * the JVM has the vector module, they are within 2 ulp of the gradient's scale: the serial reference may run
 * before the JIT compiles the vector kernels, whose compiled exp/log1p round some arguments differently in the
 * last bit (docs/performance.md, "Reproducibility"); a call that read another thread's arrays or scratch would be
 * off by far more.
 */
class LossSkipGramConcurrencyTest {

    private static final int THREADS = 4;
    private static final int REPEATS = 50;

    /** The inputs of one thread and the serial reference result for them. */
    private record Job(INDArray labels, INDArray logits, IActivation act, INDArray mask, boolean average,
                       double score, double[] gradient, DataType gradientType) {
    }

    enum Path { DEFAULT, SCALAR, PORTABLE }

    /**
     * Runs on the default path (the CPU fast path where available), the host path's scalar loops and the portable
     * ND4J path.
     */
    @ParameterizedTest
    @EnumSource(Path.class)
    void sharedInstanceGivesSerialResultsFromFourThreads(Path path) throws Exception {
        String saved = System.getProperty(FastPath.PROPERTY);
        if (path != Path.DEFAULT) {
            System.setProperty(FastPath.PROPERTY, path == Path.PORTABLE ? "false" : "scalar");
        }
        try {
            INDArray probe = Nd4j.zeros(DataType.FLOAT, 2, 2);
            assertEquals(path != Path.PORTABLE && FastPath.available(), FastPath.applies(probe, probe, null),
                    "path taken");
            boolean vectorKernels = path == Path.DEFAULT && FastPath.applies(probe, probe, null)
                    && FastPath.vectorized();
            LossSkipGram loss = LossSkipGram.builder().clamped(1e-4).positiveWeight(2).negativeWeight(0.5)
                    .weights(Nd4j.createFromArray(new double[] {1.0, 0.5, 2.0, 1.5, 0.25, 3.0}).reshape(1, 6))
                    .build();
            runConcurrently(loss, vectorKernels);
            runConcurrently(new LossSkipGram(), vectorKernels);
        } finally {
            if (saved == null) {
                System.clearProperty(FastPath.PROPERTY);
            } else {
                System.setProperty(FastPath.PROPERTY, saved);
            }
        }
    }

    /**
     * @param lastBits true where results may differ from the serial ones in the last bits (the vector kernels): then
     *                 they are compared within 2 ulp of the scale 6 (the largest weight times wPos), else bit for bit
     */
    private static void runConcurrently(LossSkipGram loss, boolean lastBits) throws Exception {
        List<Job> jobs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            jobs.add(serialReference(loss, t));
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> {
                    start.await();
                    int checked = 0;
                    INDArray previous = null;
                    for (int i = 0; i < REPEATS; i++) {
                        Pair<Double, INDArray> r = loss.computeGradientAndScore(job.labels(), job.logits(),
                                job.act(), job.mask(), job.average());
                        if (previous != null) {
                            // A returned gradient must not share memory reused by the next call (workspaces).
                            assertGradient(job, flat(previous), lastBits, "an earlier result was overwritten");
                        }
                        previous = r.getSecond();
                        assertScore(job, r.getFirst(), lastBits, "score differs from the serial one");
                        assertEquals(job.gradientType(), r.getSecond().dataType());
                        assertGradient(job, flat(r.getSecond()), lastBits, "gradient differs from the serial one");
                        checked++;
                    }
                    return checked;
                }));
            }
            start.countDown();
            for (Future<Integer> f : futures) {
                assertEquals(REPEATS, f.get(120, TimeUnit.SECONDS)); // rethrows assertion failures from the thread
            }
        } finally {
            pool.shutdownNow();
        }

        // Inputs untouched, and serial use afterwards still gives the same results.
        for (int t = 0; t < THREADS; t++) {
            Job fresh = serialReference(loss, t);
            Job job = jobs.get(t);
            assertArrayEquals(flat(fresh.logits()), flat(job.logits()), "logits modified");
            assertArrayEquals(flat(fresh.labels()), flat(job.labels()), "labels modified");
            if (job.mask() != null) {
                assertArrayEquals(flat(fresh.mask()), flat(job.mask()), "mask modified");
            }
            assertScore(job, fresh.score(), lastBits, "a later serial score");
            assertGradient(job, fresh.gradient(), lastBits, "a later serial gradient");
        }
    }

    private static void assertScore(Job job, double score, boolean lastBits, String what) {
        if (lastBits) {
            assertEquals(job.score(), score, 1e-6 * Math.abs(job.score()), what);
        } else {
            assertEquals(Double.doubleToLongBits(job.score()), Double.doubleToLongBits(score),
                    () -> what + ": " + score + " vs " + job.score());
        }
    }

    private static void assertGradient(Job job, double[] gradient, boolean lastBits, String what) {
        double tolerance = lastBits ? 2 * DTypes.of(job.gradientType()).ulp(6.0) : 0.0;
        assertArrayEquals(job.gradient(), gradient, tolerance, what);
    }

    /**
     * Thread t's inputs, deterministic in t: different shapes, dtypes (DOUBLE/FLOAT), label kinds (hard/soft),
     * masks (none, per example, per output) and activations, with logits up to +-12 so the clamp is active for
     * some; and its result from a single-threaded call.
     */
    private static Job serialReference(LossSkipGram loss, int t) {
        Random r = new Random(100 + t);
        int mb = 64 + 37 * t;
        int n = 6;
        DataType dt = t % 2 == 0 ? DataType.DOUBLE : DataType.FLOAT;
        double[][] x = new double[mb][n];
        double[][] y = new double[mb][n];
        for (int i = 0; i < mb; i++) {
            for (int j = 0; j < n; j++) {
                x[i][j] = -12 + 24 * r.nextDouble();
                y[i][j] = t == 1 ? r.nextDouble() : r.nextInt(2);
            }
        }
        INDArray mask = null;
        if (t >= 2) {
            double[][] m = new double[mb][t == 2 ? 1 : n];
            for (double[] row : m) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = r.nextInt(3) == 0 ? 0.0 : 1.0;
                }
            }
            mask = Nd4j.createFromArray(m).castTo(dt);
        }
        INDArray logits = Nd4j.createFromArray(x).castTo(dt);
        INDArray labels = Nd4j.createFromArray(y).castTo(dt);
        IActivation act = t == 3 ? new ActivationSigmoid() : new ActivationIdentity();
        boolean average = t % 2 == 1;
        Pair<Double, INDArray> ref = loss.computeGradientAndScore(labels, logits, act, mask, average);
        return new Job(labels, logits, act, mask, average, ref.getFirst(), flat(ref.getSecond()),
                ref.getSecond().dataType());
    }

    private static double[] flat(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').ravel().toDoubleVector();
    }
}

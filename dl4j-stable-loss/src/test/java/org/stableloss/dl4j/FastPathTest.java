package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The CPU host path: when it applies, that its vector and scalar kernels agree with the portable ND4J path (also
 * split over threads, with masks, weights, soft labels and mixed dtypes), that it reports bad labels like the
 * portable path, and that it stays within ND4J's thread budget.
 */
class FastPathTest {

    private int savedMaxThreads;

    @BeforeEach
    void cpuOnly() {
        assumeTrue(Nd4j.getEnvironment().isCPU(), "the host path exists on the CPU backend only");
        savedMaxThreads = Nd4j.getEnvironment().maxThreads();
    }

    @AfterEach
    void restore() {
        System.clearProperty(FastPath.PROPERTY);
        if (savedMaxThreads > 0) {
            Nd4j.getEnvironment().setMaxThreads(savedMaxThreads);
        }
    }

    @Test
    void vectorKernelsRunWhereTheJvmHasTheVectorModule() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "this JVM was started without --add-modules jdk.incubator.vector");
        assertTrue(FastPath.vectorized());
        INDArray big = Nd4j.zeros(DataType.FLOAT, 512, 1024);
        assertTrue(FastPath.applies(big, big, null), "every size takes the host path with the vector module");
        assertTrue(FastPath.vectorKernels(big.length()), "large calls take the vector kernels");
        assertFalse(FastPath.vectorKernels(256 * 6), "small calls take the scalar loops, which run well cold");
        System.setProperty(FastPath.PROPERTY, "scalar");
        assertFalse(FastPath.vectorKernels(big.length()), "the property forces the scalar loops");
    }

    @Test
    void withoutTheVectorModuleEverySizeTakesTheHostPath() {
        assumeTrue(!FastPath.vectorized(), "this JVM has the vector module");
        INDArray small = Nd4j.zeros(DataType.FLOAT, 256, 6);
        INDArray big = Nd4j.zeros(DataType.FLOAT, 2048, 1024);
        assertTrue(FastPath.applies(small, small, null));
        assertTrue(FastPath.applies(big, big, null), "the scalar loops beat the ND4J ops at every size");
        System.setProperty(FastPath.PROPERTY, "false");
        assertFalse(FastPath.applies(big, big, null), "the property forces the ND4J ops");
    }

    @Test
    void appliesOnlyToPlainFloatOrDoubleBuffers() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 6, 5);
        assertTrue(FastPath.applies(y, x, null));
        assertTrue(FastPath.applies(y, x, Nd4j.ones(DataType.FLOAT, 6, 1)));
        assertTrue(FastPath.applies(y.castTo(DataType.DOUBLE), x, Nd4j.ones(DataType.DOUBLE, 6, 1)),
                "each array is read in its own dtype");
        assertFalse(FastPath.applies(y.castTo(DataType.HALF), x.castTo(DataType.HALF), null));
        assertFalse(FastPath.applies(y, x, Nd4j.ones(DataType.INT, 6, 1)), "integer mask");
        assertFalse(FastPath.applies(y.dup('f'), x.dup('f'), null), "Fortran order");
        INDArray rows = x.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all());
        assertFalse(FastPath.applies(y.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()), rows, null),
                "a view at an offset");
        System.setProperty(FastPath.PROPERTY, "false");
        assertFalse(FastPath.applies(y, x, null));
    }

    /**
     * Default kernels (vector where the module is loaded) and forced scalar loops against the portable path, below
     * and above the parallel threshold (with a budget of 2 threads), with columns that are no multiple of any vector
     * length and rows that span chunks.
     */
    @ParameterizedTest(name = "{0} [{1}, {2}] labels {3}, mask {4}")
    @CsvSource({
            "FLOAT, 67, 37, FLOAT, FLOAT",
            "DOUBLE, 67, 37, DOUBLE, DOUBLE",
            "FLOAT, 512, 257, FLOAT, FLOAT",
            "DOUBLE, 300, 1500, DOUBLE, DOUBLE",
            "FLOAT, 512, 257, DOUBLE, DOUBLE",
            "FLOAT, 9000, 1, FLOAT, FLOAT"})
    void agreesWithThePortablePath(DataType dt, int rows, int cols, DataType labelType, DataType maskType) {
        Nd4j.getEnvironment().setMaxThreads(2);
        Nd4j.getRandom().setSeed(7);
        DTypes d = DTypes.of(dt);
        INDArray x = Nd4j.randn(DataType.DOUBLE, rows, cols).muli(20).castTo(dt);
        INDArray y = Nd4j.rand(DataType.DOUBLE, rows, cols).gt(0.8).castTo(labelType);
        y.putScalar(3, 0, 0.3);
        x.putScalar(3, 0, 5.0); // a soft label where the gradient's two terms do not cancel
        INDArray perOutput = Nd4j.rand(DataType.DOUBLE, rows, cols).gt(0.2).castTo(maskType);
        INDArray perExample = Nd4j.rand(DataType.DOUBLE, rows, 1).gt(0.3).castTo(maskType);
        INDArray w = Nd4j.rand(DataType.DOUBLE, 1, cols).addi(0.5);
        LossSkipGram[] losses = {new LossSkipGram(),
                LossSkipGram.builder().clamped(1e-4).positiveWeight(3).negativeWeight(0.5).weights(w).build()};
        for (LossSkipGram loss : losses) {
            for (INDArray mask : new INDArray[] {null, perOutput, perExample}) {
                String what = loss.getMode() + " mask " + (mask == null ? "none" : mask.size(1));
                Result portable = Result.of(loss, y, x, mask, "false");
                for (String path : new String[] {null, "scalar"}) {
                    Result host = Result.of(loss, y, x, mask, path);
                    assertTrue(host.hostPath, "took the host path: " + path);
                    host.assertClose(portable, d, what + " path " + (path == null ? "default" : path));
                }
            }
        }
    }

    @Test
    void badLabelsAreCountedOverAllThreadsAndTheFirstIsNamed() {
        Nd4j.getEnvironment().setMaxThreads(2);
        INDArray x = Nd4j.zeros(DataType.FLOAT, 512, 257);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 512, 257);
        y.putScalar(400, 7, 2.0);
        y.putScalar(10, 200, Float.NaN);
        y.putScalar(300, 5, -1.0);
        INDArray mask = Nd4j.ones(DataType.FLOAT, 512, 1);
        mask.putScalar(10, 0, 0.0);
        for (String path : new String[] {null, "scalar", "false"}) {
            if (path != null) {
                System.setProperty(FastPath.PROPERTY, path);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new LossSkipGram().computeGradient(y, x, new ActivationIdentity(), null));
            assertTrue(e.getMessage().contains("3 bad values") && e.getMessage().contains("[10, 200] = NaN"),
                    path + ": " + e.getMessage());
            IllegalArgumentException masked = assertThrows(IllegalArgumentException.class,
                    () -> new LossSkipGram().computeScore(y, x, new ActivationIdentity(), mask, false));
            assertTrue(masked.getMessage().contains("2 bad values") && masked.getMessage().contains("[300, 5] = -1.0"),
                    path + ", masked row 10: " + masked.getMessage());
        }
    }

    @ParameterizedTest(name = "budget {0}")
    @CsvSource({"1", "2"})
    void staysWithinNd4jsThreadBudget(int budget) {
        Nd4j.getEnvironment().setMaxThreads(budget);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        HostThreads.run(64, t -> {
            seen.add(Thread.currentThread());
            double s = 0;
            for (int i = 0; i < 200_000; i++) {
                s += Math.sqrt(i + t);
            }
            assertTrue(s > 0);
        });
        assertTrue(seen.size() <= budget, seen.size() + " threads for a budget of " + budget);
        assertTrue(seen.contains(Thread.currentThread()), "the caller works too");
    }

    @Test
    void aTaskFailureReachesTheCaller() {
        Nd4j.getEnvironment().setMaxThreads(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HostThreads.run(16, t -> {
            if (t == 11) {
                throw new IllegalStateException("task 11");
            }
        }));
        assertEquals("task 11", e.getMessage());
    }

    @Test
    void viewsAndFortranArraysTakeThePortablePathAndGiveTheSameValues() {
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 6).muli(10);
        INDArray y = Nd4j.rand(DataType.FLOAT, 8, 6).gt(0.5).castTo(DataType.FLOAT);
        LossSkipGram loss = new LossSkipGram();
        INDArray viewX = x.get(NDArrayIndex.interval(2, 6), NDArrayIndex.all());
        INDArray viewY = y.get(NDArrayIndex.interval(2, 6), NDArrayIndex.all());
        INDArray fromView = loss.computeGradient(viewY, viewX, new ActivationIdentity(), null);
        INDArray fromCopy = loss.computeGradient(viewY.dup(), viewX.dup(), new ActivationIdentity(), null);
        INDArray fromF = loss.computeGradient(viewY.dup('f'), viewX.dup('f'), new ActivationIdentity(), null);
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 6; c++) {
                double expected = fromCopy.getDouble(r, c);
                assertEquals(expected, fromView.getDouble(r, c), 2 * Math.ulp((float) expected));
                assertEquals(expected, fromF.getDouble(r, c), 2 * Math.ulp((float) expected));
            }
        }
    }

    /** Everything one path returns for one call: score alone, gradient alone, both, and the score array. */
    private record Result(boolean hostPath, double score, double[] gradient, double bothScore, double[] bothGradient,
                          double[] rowScores) {

        static Result of(LossSkipGram loss, INDArray y, INDArray x, INDArray mask, String path) {
            if (path == null) {
                System.clearProperty(FastPath.PROPERTY);
            } else {
                System.setProperty(FastPath.PROPERTY, path);
            }
            try {
                ActivationIdentity id = new ActivationIdentity();
                Pair<Double, INDArray> both = loss.computeGradientAndScore(y, x, id, mask, false);
                return new Result(FastPath.applies(y, x, mask), loss.computeScore(y, x, id, mask, false),
                        flat(loss.computeGradient(y, x, id, mask)), both.getFirst(), flat(both.getSecond()),
                        flat(loss.computeScoreArray(y, x, id, mask)));
            } finally {
                System.clearProperty(FastPath.PROPERTY);
            }
        }

        private static double[] flat(INDArray a) {
            return a.castTo(DataType.DOUBLE).dup('c').ravel().toDoubleVector();
        }

        void assertClose(Result reference, DTypes d, String what) {
            double tolerance = 1e-6 * Math.abs(reference.score);
            assertEquals(reference.score, score, tolerance, what + ": score");
            assertEquals(reference.score, bothScore, tolerance, what + ": score with the gradient");
            for (int i = 0; i < gradient.length; i++) {
                double bound = 4 * d.ulp(reference.gradient[i]);
                assertEquals(reference.gradient[i], gradient[i], bound, what + ": gradient at " + i);
                assertEquals(gradient[i], bothGradient[i], 2 * d.ulp(gradient[i]),
                        what + ": gradient with the score at " + i);
            }
            for (int r = 0; r < rowScores.length; r++) {
                double v = reference.rowScores[r];
                assertEquals(v, rowScores[r], 8 * d.ulp(Math.max(v, 1)) + 1e-12 * v,
                        what + ": row score " + r + " (sums in another order)");
            }
            assertEquals(reference.gradient.length, gradient.length);
        }
    }
}

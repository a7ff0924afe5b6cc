package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The CPU fast path: when it applies, and that it agrees with the portable ND4J path. */
class FastPathTest {

    @AfterEach
    void restore() {
        System.clearProperty(FastPath.PROPERTY);
    }

    @Test
    void appliesOnlyToPlainFloatOrDoubleBuffersWithTheVectorModule() {
        assertTrue(FastPath.available(), "the test JVM runs with --add-modules jdk.incubator.vector");
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 6, 5);
        assertTrue(FastPath.applies(y, x, null));
        assertTrue(FastPath.applies(y, x, Nd4j.ones(DataType.FLOAT, 6, 1)));
        assertFalse(FastPath.applies(y.castTo(DataType.HALF), x.castTo(DataType.HALF), null));
        assertFalse(FastPath.applies(y.castTo(DataType.DOUBLE), x, null), "mixed dtypes");
        assertFalse(FastPath.applies(y, x, Nd4j.ones(DataType.DOUBLE, 6, 1)), "mask in another dtype");
        assertFalse(FastPath.applies(y.dup('f'), x.dup('f'), null), "Fortran order");
        INDArray rows = x.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all());
        assertFalse(FastPath.applies(y.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()), rows, null),
                "a view at an offset");
        System.setProperty(FastPath.PROPERTY, "false");
        assertFalse(FastPath.applies(y, x, null));
    }

    @ParameterizedTest
    @EnumSource(value = DTypes.class, names = {"FLOAT", "DOUBLE"})
    void agreesWithThePortablePathWithMasksWeightsAndSoftLabels(DTypes d) {
        Nd4j.getRandom().setSeed(7);
        int rows = 67;
        int cols = 37; // not a multiple of the vector length: exercises the scalar tail
        INDArray x = Nd4j.randn(DataType.DOUBLE, rows, cols).muli(20).castTo(d.dataType);
        INDArray y = Nd4j.rand(DataType.DOUBLE, rows, cols).gt(0.8).castTo(d.dataType);
        y.putScalar(3, 4, 0.3);
        INDArray perOutput = Nd4j.rand(DataType.DOUBLE, rows, cols).gt(0.2).castTo(d.dataType);
        INDArray perExample = Nd4j.rand(DataType.DOUBLE, rows, 1).gt(0.3).castTo(d.dataType);
        INDArray w = Nd4j.rand(DataType.DOUBLE, 1, cols).addi(0.5);
        LossSkipGram[] losses = {new LossSkipGram(),
                LossSkipGram.builder().clamped(1e-4).positiveWeight(3).negativeWeight(0.5).weights(w).build()};
        for (LossSkipGram loss : losses) {
            for (INDArray mask : new INDArray[] {null, perOutput, perExample}) {
                Pair<Double, INDArray> fast = loss.computeGradientAndScore(y, x, new ActivationIdentity(), mask, false);
                INDArray fastScores = loss.computeScoreArray(y, x, new ActivationIdentity(), mask);
                System.setProperty(FastPath.PROPERTY, "false");
                Pair<Double, INDArray> portable =
                        loss.computeGradientAndScore(y, x, new ActivationIdentity(), mask, false);
                INDArray portableScores = loss.computeScoreArray(y, x, new ActivationIdentity(), mask);
                System.clearProperty(FastPath.PROPERTY);
                assertEquals(portable.getFirst(), fast.getFirst(), 1e-6 * Math.abs(portable.getFirst()));
                double[] g2 = portable.getSecond().castTo(DataType.DOUBLE).dup().ravel().toDoubleVector();
                double[] fg = fast.getSecond().castTo(DataType.DOUBLE).dup().ravel().toDoubleVector();
                for (int i = 0; i < g2.length; i++) {
                    assertEquals(g2[i], fg[i], 4 * d.ulp(g2[i]),
                            loss + " mask " + (mask == null ? "none" : mask.size(1)) + " at " + i);
                }
                assertEquals(fg.length, g2.length);
                double[] s1 = fastScores.castTo(DataType.DOUBLE).dup().ravel().toDoubleVector();
                double[] s2 = portableScores.castTo(DataType.DOUBLE).dup().ravel().toDoubleVector();
                for (int r = 0; r < rows; r++) {
                    assertEquals(s2[r], s1[r], 8 * d.ulp(Math.max(s2[r], 1)), "row score " + r);
                }
            }
        }
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
}

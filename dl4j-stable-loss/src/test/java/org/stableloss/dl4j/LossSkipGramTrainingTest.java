package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * Behaviour that matters for training: (a) a confidently wrong positive pair (logit -50) gets the full gradient
 * -sigmoid(50) = -1, where DL4J's LossBinaryXENT gives ~0; (b) a one-weight network whose only logit starts at -50 is
 * pulled back to a positive logit by SGD with LossSkipGram and stays stuck with LossBinaryXENT + SIGMOID; (c) where
 * LossBinaryXENT is accurate (|x| <= 8, clipEps 0, DOUBLE) both losses agree, for hard and soft labels, with and
 * without per-output weights and masks.
 */
class LossSkipGramTrainingTest {

    enum DType {
        DOUBLE(DataType.DOUBLE), FLOAT(DataType.FLOAT);

        final DataType dataType;

        DType(DataType dataType) {
            this.dataType = dataType;
        }

        /** A double rounded to this dtype. */
        double round(double v) {
            return this == FLOAT ? (float) v : v;
        }
    }

    /** sigmoid(v) in double from java.lang.Math, independent of the code under test. */
    private static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /** softplus(v) = log(1 + exp(v)), in double from java.lang.Math. */
    private static double softplus(double v) {
        return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    }

    // ---------------------------------------------------------------------------------------------------------- (a)

    @ParameterizedTest
    @EnumSource(DType.class)
    void confidentlyWrongPositiveGetsFullGradient(DType d) {
        INDArray x = Nd4j.createFromArray(new double[][] {{-50.0}}).castTo(d.dataType);
        INDArray y = Nd4j.createFromArray(new double[][] {{1.0}}).castTo(d.dataType);
        double expectedGrad = d.round(-sigmoid(50.0)); // -1 after rounding in both dtypes
        double expectedLoss = d.round(softplus(50.0));
        assertEquals(-1.0, expectedGrad, 0.0, "test reference");

        for (IActivation act : new IActivation[] {new ActivationIdentity(), new ActivationSigmoid()}) {
            for (LossSkipGram loss : new LossSkipGram[] {new LossSkipGram(),
                    LossSkipGram.builder().positiveWeight(1).negativeWeight(3).build()}) {
                INDArray xBefore = x.dup();
                Pair<Double, INDArray> gs = loss.computeGradientAndScore(y, x, act, null, false);
                assertEquals(d.dataType, gs.getSecond().dataType());
                assertEquals(expectedGrad, gs.getSecond().getDouble(0), 0.0, loss + " " + act + " gradient");
                assertEquals(expectedGrad, loss.computeGradient(y, x, act, null).getDouble(0), 0.0);
                assertEquals(expectedLoss, gs.getFirst(), Math.ulp(expectedLoss), loss + " " + act + " loss");
                assertEquals(expectedLoss, loss.computeScoreArray(y, x, act, null).getDouble(0),
                        Math.ulp((float) expectedLoss));
                assertEquals(xBefore, x, "LossSkipGram wrote into preOutput");
            }
        }

        // DL4J's LossBinaryXENT (default clipEps 1e-5) with the sigmoid: the gradient vanishes (true value -1).
        double xentGrad = new LossBinaryXENT().computeGradient(y, x.dup(), new ActivationSigmoid(), null)
                .getDouble(0);
        // (It is -sigmoid'(-50) / clipEps ~ -1.9e-17: zero for all training purposes, 17 orders below the truth.)
        assertTrue(Math.abs(xentGrad) < 1e-12, "LossBinaryXENT gradient at x=-50 expected ~0, was " + xentGrad);
        // ... and its loss saturates at -log(clipEps) = 11.5 instead of softplus(50) = 50.
        double xentScore = new LossBinaryXENT().computeScore(y, x.dup(), new ActivationSigmoid(), null, false);
        assertEquals(-Math.log(LossBinaryXENT.DEFAULT_CLIPPING_EPSILON), xentScore, 1e-5);
    }

    // ---------------------------------------------------------------------------------------------------------- (b)

    private static final double LR = 5.0;
    private static final int STEPS = 20;

    /** Output = w * 1 (nIn = nOut = 1, no bias, fixed input 1), w = -50: the positive example's logit is -50. */
    private static MultiLayerNetwork oneWeightNet(DataType dt, ILossFunction loss, Activation act) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(dt).seed(1)
                .updater(new Sgd(LR)).list()
                .layer(new OutputLayer.Builder(loss).nIn(1).nOut(1).hasBias(false).activation(act).build())
                .build());
        net.init();
        net.setParam("0_W", Nd4j.createFromArray(new double[][] {{-50.0}}).castTo(dt));
        assertEquals(1, net.numParams());
        return net;
    }

    private static DataSet positivePair(DataType dt) {
        return new DataSet(Nd4j.ones(dt, 1, 1), Nd4j.ones(dt, 1, 1));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void sgdRecoversAConfidentlyWrongPairWithLossSkipGram(DType d) {
        MultiLayerNetwork net = oneWeightNet(d.dataType, new LossSkipGram(), Activation.IDENTITY);
        DataSet ds = positivePair(d.dataType);
        double score0 = net.score(ds);
        net.fit(ds);
        // First step: w - LR * dL/dw with dL/dw = -sigmoid(50) * input = -1.
        assertEquals(d.round(-50.0 - LR * -sigmoid(50.0)), net.getParam("0_W").getDouble(0), 0.0);
        for (int i = 1; i < STEPS; i++) {
            net.fit(ds);
        }
        double w = net.getParam("0_W").getDouble(0);
        assertTrue(w > 0, "logit of the positive pair still negative after " + STEPS + " SGD steps: " + w);
        assertTrue(net.score(ds) < 0.7 && score0 > 49, "score " + score0 + " -> " + net.score(ds));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void binaryXentWithSigmoidStaysStuck(DType d) {
        MultiLayerNetwork net = oneWeightNet(d.dataType, new LossBinaryXENT(), Activation.SIGMOID);
        DataSet ds = positivePair(d.dataType);
        for (int i = 0; i < STEPS; i++) {
            net.fit(ds);
        }
        double w = net.getParam("0_W").getDouble(0);
        assertEquals(-50.0, w, 1e-9, "LossBinaryXENT was expected to leave the logit at -50 (vanishing gradient)");
    }

    // ---------------------------------------------------------------------------------------------------------- (c)

    enum Labels { HARD, SOFT }

    enum Mask { NONE, PER_EXAMPLE, PER_OUTPUT }

    static Stream<Arguments> agreementCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Labels l : Labels.values()) {
            for (boolean weighted : new boolean[] {false, true}) {
                for (Mask m : Mask.values()) {
                    cases.add(Arguments.of(l, weighted, m));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "labels={0} weighted={1} mask={2}")
    @MethodSource("agreementCases")
    void exactModeAgreesWithBinaryXentWhereThatIsAccurate(Labels labelKind, boolean weighted, Mask maskKind) {
        int mb = 200;
        int n = 5;
        Random r = new Random(42 + labelKind.ordinal() * 10 + (weighted ? 5 : 0) + maskKind.ordinal());
        double[][] xv = new double[mb][n];
        double[][] yv = new double[mb][n];
        for (int i = 0; i < mb; i++) {
            for (int j = 0; j < n; j++) {
                xv[i][j] = -8.0 + 16.0 * r.nextDouble();
                yv[i][j] = labelKind == Labels.HARD ? r.nextInt(2) : r.nextDouble();
            }
        }
        xv[0][0] = -8.0;
        xv[0][1] = 8.0;
        xv[1][0] = 0.0;
        INDArray x = Nd4j.createFromArray(xv);
        INDArray y = Nd4j.createFromArray(yv);
        INDArray mask = null;
        if (maskKind != Mask.NONE) {
            double[][] mv = new double[mb][maskKind == Mask.PER_EXAMPLE ? 1 : n];
            for (double[] row : mv) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = r.nextInt(4) == 0 ? 0.0 : 1.0;
                }
            }
            mask = Nd4j.createFromArray(mv);
        }
        double[] w = {0.5, 1.0, 2.0, 0.0, 3.25};
        INDArray weights = Nd4j.createFromArray(w).reshape(1, n);

        LossSkipGram skipGram = weighted ? LossSkipGram.builder().weights(weights).build() : new LossSkipGram();
        LossBinaryXENT xent = weighted ? new LossBinaryXENT(0.0, weights.dup()) : new LossBinaryXENT(0.0);

        // LossBinaryXENT writes into preOutput through ActivationSigmoid.backprop: give it its own copies.
        INDArray refScoreArr = xent.computeScoreArray(y, x.dup(), new ActivationSigmoid(), mask);
        INDArray refGrad = xent.computeGradient(y, x.dup(), new ActivationSigmoid(), mask);
        double refScore = xent.computeScore(y, x.dup(), new ActivationSigmoid(), mask, false);
        double refScoreAvg = xent.computeScore(y, x.dup(), new ActivationSigmoid(), mask, true);

        for (IActivation act : new IActivation[] {new ActivationIdentity(), new ActivationSigmoid()}) {
            INDArray scoreArr = skipGram.computeScoreArray(y, x, act, mask);
            assertArrayEquals(new long[] {mb, 1}, scoreArr.shape());
            assertClose(refScoreArr, scoreArr, "score array (" + act + ")");
            assertClose(refGrad, skipGram.computeGradient(y, x, act, mask), "gradient (" + act + ")");
            assertRel(refScore, skipGram.computeScore(y, x, act, mask, false), "score (" + act + ")");
            assertRel(refScoreAvg, skipGram.computeScore(y, x, act, mask, true), "averaged score (" + act + ")");
            Pair<Double, INDArray> gs = skipGram.computeGradientAndScore(y, x, act, mask, true);
            assertRel(refScoreAvg, gs.getFirst(), "computeGradientAndScore score (" + act + ")");
            assertClose(refGrad, gs.getSecond(), "computeGradientAndScore gradient (" + act + ")");
        }
        // Sanity: the comparison is not vacuous.
        assertTrue(refGrad.amaxNumber().doubleValue() > 0.5 && refScore > 1.0);
    }

    private static final double REL = 1e-5;
    private static final double ABS_FLOOR = 1e-12;

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        assertEquals(DataType.DOUBLE, actual.dataType(), what + " dtype");
        double[] e = expected.dup('c').ravel().toDoubleVector();
        double[] a = actual.dup('c').ravel().toDoubleVector();
        for (int i = 0; i < e.length; i++) {
            double tol = REL * Math.max(Math.abs(e[i]), Math.abs(a[i])) + ABS_FLOOR;
            final int at = i;
            assertTrue(Math.abs(e[i] - a[i]) <= tol,
                    () -> what + " at flat index " + at + ": LossBinaryXENT " + e[at] + ", LossSkipGram " + a[at]);
        }
    }

    private static void assertRel(double expected, double actual, String what) {
        assertEquals(expected, actual, REL * Math.abs(expected) + ABS_FLOOR, what);
    }
}

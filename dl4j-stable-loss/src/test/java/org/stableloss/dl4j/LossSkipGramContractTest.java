package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The DL4J ILossFunction contract, masks, limits and input checks of {@link LossSkipGram}. */
class LossSkipGramContractTest {

    private static final IActivation IDENTITY = new ActivationIdentity();
    private static final LossSkipGram EXACT = new LossSkipGram();
    private static final LossSkipGram CLAMPED = LossSkipGram.builder().clamped(0.01).build();

    private static INDArray logits(DataType dt) {
        return Nd4j.createFromArray(new double[][] {{-50, 0, 3.5, 17}, {0.25, -7, 100, -0.5}, {2, 1e-3, -30, 9}})
                .castTo(dt);
    }

    private static INDArray labels(DataType dt) {
        return Nd4j.createFromArray(new double[][] {{1, 0, 1, 0}, {0, 1, 1, 0}, {1, 1, 0, 0}}).castTo(dt);
    }

    private static double[] flat(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').ravel().toDoubleVector();
    }

    /** Per element, in double: softplus(+-x) and the gradient, the textbook way (fine at these moderate logits). */
    private static double refLoss(double x, double y) {
        return y * (Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))))
                + (1 - y) * (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
    }

    private static double refGrad(double x, double y) {
        double sig = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
        double sigNeg = x >= 0 ? Math.exp(-x) / (1 + Math.exp(-x)) : 1 / (1 + Math.exp(x));
        return (1 - y) * sig - y * sigNeg;
    }

    @ParameterizedTest
    @EnumSource(value = DTypes.class)
    void scoreArrayScoreAndGradientAgreeWithEachOtherAndTheMath(DTypes d) {
        INDArray x = logits(d.dataType);
        INDArray y = labels(d.dataType);
        double[] xs = flat(x);
        double[] ys = flat(y);
        INDArray scoreArray = EXACT.computeScoreArray(y, x, IDENTITY, null);
        INDArray grad = EXACT.computeGradient(y, x, IDENTITY, null);
        assertArrayEquals(new long[] {3, 1}, scoreArray.shape());
        assertEquals(d.dataType, scoreArray.dataType());
        assertEquals(d.dataType, grad.dataType());
        double total = 0;
        for (int r = 0; r < 3; r++) {
            double row = 0;
            for (int c = 0; c < 4; c++) {
                int i = r * 4 + c;
                row += refLoss(xs[i], ys[i]);
                double g = refGrad(xs[i], ys[i]);
                assertEquals(g, grad.getDouble(r, c), 2 * d.ulp(g), "gradient at " + r + "," + c);
            }
            assertEquals(row, scoreArray.getDouble(r, 0), 4 * d.ulp(row), "score of row " + r);
            total += row;
        }
        double score = EXACT.computeScore(y, x, IDENTITY, null, false);
        assertEquals(total, score, 4 * d.ulp(total));
        assertEquals(score / 3, EXACT.computeScore(y, x, IDENTITY, null, true), 1e-12 * score);
        Pair<Double, INDArray> both = EXACT.computeGradientAndScore(y, x, IDENTITY, null, true);
        assertEquals(EXACT.computeScore(y, x, IDENTITY, null, true), both.getFirst());
        assertEquals(grad, both.getSecond());
    }

    @Test
    void sigmoidActivationIsFusedAndGivesTheSameAsIdentity() {
        INDArray x = logits(DataType.DOUBLE);
        INDArray y = labels(DataType.DOUBLE);
        assertEquals(EXACT.computeGradient(y, x, IDENTITY, null),
                EXACT.computeGradient(y, x, new ActivationSigmoid(), null));
        assertEquals(EXACT.computeScore(y, x, IDENTITY, null, false),
                EXACT.computeScore(y, x, new ActivationSigmoid(), null, false));
    }

    @Test
    void tinySoftLabelsAreNotMistakenForHardOnes() {
        // At x = -80 a negative pair costs softplus(-80) = 1.8e-35; a label of 1e-30 adds 1e-30 * 80 = 8e-29, which
        // dominates: treating the label as 0 would be six orders of magnitude off.
        float[] tiny = {1e-30f, Float.MIN_VALUE, 1 - Math.ulp(1f)};
        for (float y : tiny) {
            INDArray x = Nd4j.createFromArray(new float[][] {{-80f}});
            INDArray labels = Nd4j.createFromArray(new float[][] {{y}});
            double expected = y * 80.0 + (1.0 - y) * Math.exp(-80.0);
            double got = EXACT.computeScore(labels, x, IDENTITY, null, false);
            assertEquals(expected, got, 2 * Math.ulp((float) expected), "label " + y);
        }
    }

    @Test
    void gradientAtExactlyZeroIsPlusMinusHalf() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 2, 1);
        INDArray y = Nd4j.createFromArray(new float[][] {{1}, {0}});
        INDArray g = EXACT.computeGradient(y, x, IDENTITY, null);
        assertEquals(-0.5, g.getDouble(0, 0));
        assertEquals(0.5, g.getDouble(1, 0));
        assertEquals(2 * Math.log(2), EXACT.computeScore(y, x, IDENTITY, null, false), 1e-6);
    }

    @ParameterizedTest
    @EnumSource(value = DTypes.class)
    void infiniteLogitsGiveTheLimitsAndNanStaysInItsOwnEntries(DTypes d) {
        double inf = Double.POSITIVE_INFINITY;
        INDArray x = Nd4j.createFromArray(new double[][] {{inf, -inf, inf, -inf}, {Double.NaN, 1, 2, 3}})
                .castTo(d.dataType);
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0, 0, 1}, {1, 1, 0, 1}}).castTo(d.dataType);
        INDArray loss = LossSkipGram.builder().positiveWeight(2).build().computeScoreArray(y, x, IDENTITY,
                Nd4j.createFromArray(new double[][] {{1, 1, 0, 0}, {1, 1, 1, 1}}).castTo(d.dataType));
        assertEquals(0.0, loss.getDouble(0, 0), "right side of +-Inf: loss 0");
        assertTrue(Double.isNaN(loss.getDouble(1, 0)));
        double[] g = flat(LossSkipGram.builder().positiveWeight(2).build().computeGradient(y, x, IDENTITY, null));
        assertEquals(0.0, g[0], 0.0);
        assertEquals(0.0, g[1], 0.0);
        assertEquals(1.0, g[2], "negative pair at +Inf: gradient +wNeg");
        assertEquals(-2.0, g[3], "positive pair at -Inf: gradient -wPos");
        assertTrue(Double.isNaN(g[4]));
        for (int i = 5; i < 8; i++) {
            assertTrue(Double.isFinite(g[i]), "NaN leaked into entry " + i);
        }
        assertEquals(inf, EXACT.computeScoreArray(y.getRow(0, true), x.getRow(0, true), IDENTITY, null)
                .getDouble(0, 0), "wrong side of +-Inf: loss +Inf");
    }

    @ParameterizedTest
    @EnumSource(value = DTypes.class)
    void infiniteLogitOnTheRightSideCostsNothingAlsoBesideSoftLabelsAndZeroWeights(DTypes d) {
        double inf = Double.POSITIVE_INFINITY;
        INDArray x = Nd4j.createFromArray(new double[][] {{inf, -inf, 0, inf}}).castTo(d.dataType);
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0, 0.5, 0}}).castTo(d.dataType);
        LossSkipGram zeroWeight = LossSkipGram.builder()
                .weights(Nd4j.createFromArray(new double[][] {{1, 1, 1, 0}})).build();
        assertEquals(Math.log(2), zeroWeight.computeScoreArray(y, x, IDENTITY, null).getDouble(0, 0),
                2 * d.ulp(Math.log(2)), "only the soft pair at 0 costs: no NaN from 0 * Inf");
        assertEquals(Math.log(2), zeroWeight.computeScore(y, x, IDENTITY, null, false), 2 * d.ulp(Math.log(2)));
        LossSkipGram noNegatives = LossSkipGram.builder().negativeWeight(0).build();
        INDArray hard = Nd4j.createFromArray(new double[][] {{0, 1}}).castTo(d.dataType);
        INDArray wrongSide = Nd4j.createFromArray(new double[][] {{inf, 0}}).castTo(d.dataType);
        assertEquals(Math.log(2), noNegatives.computeScore(hard, wrongSide, IDENTITY, null, false),
                2 * d.ulp(Math.log(2)), "a zero-weighted negative pair costs nothing, even at an infinite logit");
        double[] g = flat(zeroWeight.computeGradient(y, x, IDENTITY, null));
        assertArrayEquals(new double[] {0, 0, 0, 0}, g, 0.0);
    }

    @ParameterizedTest
    @EnumSource(value = DTypes.class)
    void finiteExtremeLogitsNeverGiveNanOrInf(DTypes d) {
        double big = d == DTypes.HALF ? 6e4 : d == DTypes.DOUBLE ? 1e300 : 3e38;
        INDArray x = Nd4j.createFromArray(new double[][] {{big, -big, big, -big, 1e4, -1e4}}).castTo(d.dataType);
        for (double[] yRow : new double[][] {{1, 0, 0, 1, 1, 0}, {0.5, 0.25, 0.75, 0.1, 0.9, 0.3}}) {
            INDArray y = Nd4j.createFromArray(new double[][] {yRow}).castTo(d.dataType);
            for (LossSkipGram loss : new LossSkipGram[] {EXACT, LossSkipGram.builder().clamped(0.01).build()}) {
                Pair<Double, INDArray> r = loss.computeGradientAndScore(y, x, IDENTITY, null, false);
                assertTrue(Double.isFinite(r.getFirst()), loss + " score " + r.getFirst());
                for (double g : flat(r.getSecond())) {
                    assertTrue(Double.isFinite(g), loss + " gradient " + g);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DTypes.class)
    void maskedEntriesContributeExactlyZeroWhateverTheyHold(DTypes d) {
        INDArray x = logits(d.dataType);
        INDArray y = labels(d.dataType);
        INDArray xBad = x.dup();
        INDArray yBad = y.dup();
        xBad.putScalar(0, 1, Double.NaN);
        xBad.putScalar(1, 2, Double.POSITIVE_INFINITY);
        yBad.putScalar(2, 3, Double.NaN);
        yBad.putScalar(0, 1, 7.0);
        INDArray mask = Nd4j.ones(d.dataType, 3, 4);
        mask.putScalar(0, 1, 0);
        mask.putScalar(1, 2, 0);
        mask.putScalar(2, 3, 0);
        for (LossSkipGram loss : new LossSkipGram[] {EXACT, CLAMPED}) {
            INDArray grad = loss.computeGradient(yBad, xBad, IDENTITY, mask);
            INDArray clean = loss.computeGradient(y, x, IDENTITY, null).muli(mask);
            assertEquals(0.0, grad.getDouble(0, 1), 0.0);
            assertEquals(0.0, grad.getDouble(1, 2), 0.0);
            assertEquals(0.0, grad.getDouble(2, 3), 0.0);
            // Two calls: on the vector path one may run before the JIT compiles the kernel and round a last bit
            // differently (docs/performance.md, "Reproducibility"); |gradient| <= 1 here.
            assertArrayEquals(flat(clean), flat(grad), 2 * d.ulp(1.0));
            INDArray cleanScores = perElement(loss, y, x).muli(mask).castTo(DataType.DOUBLE).sum(true, 1);
            assertArrayEquals(flat(cleanScores), flat(loss.computeScoreArray(yBad, xBad, IDENTITY, mask)),
                    4 * d.ulp(100));
        }
    }

    @Test
    void perExampleMaskRemovesWholeRows() {
        INDArray x = logits(DataType.FLOAT);
        INDArray y = labels(DataType.FLOAT);
        INDArray xBad = x.dup();
        xBad.putScalar(1, 0, Double.NaN);
        INDArray mask = Nd4j.createFromArray(new float[][] {{1}, {0}, {1}});
        INDArray grad = EXACT.computeGradient(y, xBad, IDENTITY, mask);
        INDArray scores = EXACT.computeScoreArray(y, xBad, IDENTITY, mask);
        INDArray full = EXACT.computeGradient(y, x, IDENTITY, null);
        assertEquals(full.getRow(0), grad.getRow(0));
        assertEquals(Nd4j.zeros(DataType.FLOAT, 4), grad.getRow(1));
        assertEquals(full.getRow(2), grad.getRow(2));
        assertEquals(0.0, scores.getDouble(1, 0));
        assertEquals(EXACT.computeScoreArray(y, x, IDENTITY, null).getDouble(2, 0), scores.getDouble(2, 0));
    }

    @ParameterizedTest
    @EnumSource(value = DTypes.class)
    void inputsAreNeverWritten(DTypes d) {
        INDArray x = logits(d.dataType);
        INDArray y = labels(d.dataType);
        y.putScalar(1, 1, 0.3);
        INDArray mask = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}}).castTo(d.dataType);
        INDArray x0 = x.dup();
        INDArray y0 = y.dup();
        INDArray m0 = mask.dup();
        for (LossSkipGram loss : new LossSkipGram[] {EXACT, LossSkipGram.builder().clamped(0.01).build()}) {
            for (IActivation a : new IActivation[] {IDENTITY, new ActivationSigmoid()}) {
                loss.computeGradientAndScore(y, x, a, mask, true);
                loss.computeScoreArray(y, x, a, null);
                loss.computeGradient(y, x, a, null);
            }
        }
        assertEquals(x0, x);
        assertEquals(y0, y);
        assertEquals(m0, mask);
    }

    @Test
    void weightsScaleTheirTerms() {
        INDArray x = logits(DataType.DOUBLE);
        INDArray y = labels(DataType.DOUBLE);
        y.putScalar(2, 2, 0.4);
        INDArray w = Nd4j.createFromArray(new double[][] {{0.5, 2, 1, 3}});
        LossSkipGram weighted = LossSkipGram.builder().positiveWeight(3).negativeWeight(0.25).weights(w).build();
        double[] xs = flat(x);
        double[] ys = flat(y);
        double[] g = flat(weighted.computeGradient(y, x, IDENTITY, null));
        double[] l = flat(perElement(weighted, y, x));
        for (int i = 0; i < xs.length; i++) {
            double wj = w.getDouble(0, i % 4);
            double lossPos = Math.max(-xs[i], 0) + Math.log1p(Math.exp(-Math.abs(xs[i])));
            double lossNeg = Math.max(xs[i], 0) + Math.log1p(Math.exp(-Math.abs(xs[i])));
            double expectedLoss = wj * (3 * ys[i] * lossPos + 0.25 * (1 - ys[i]) * lossNeg);
            double sig = 1 / (1 + Math.exp(-xs[i]));
            double expectedGrad = wj * (0.25 * (1 - ys[i]) * sig - 3 * ys[i] * (1 - sig));
            assertEquals(expectedLoss, l[i], 1e-12 * Math.max(1, expectedLoss), "loss " + i);
            assertEquals(expectedGrad, g[i], 1e-12, "gradient " + i);
        }
    }

    @Test
    void clampedModeCapsTheLossAndKillsTheGradientPastTheClamp() {
        double eps = 1e-4;
        LossSkipGram clamped = LossSkipGram.builder().clamped(eps).build();
        INDArray x = Nd4j.createFromArray(new double[][] {{-100}, {-9.3}, {-9.1}, {3}});
        INDArray y = Nd4j.ones(DataType.DOUBLE, 4, 1);
        double[] loss = flat(clamped.computeScoreArray(y, x, IDENTITY, null));
        double[] grad = flat(clamped.computeGradient(y, x, IDENTITY, null));
        assertEquals(-Math.log(eps), loss[0], 1e-15);
        assertEquals(-Math.log(eps), loss[1], 1e-15);
        assertEquals(0.0, grad[0], 0.0);
        assertEquals(0.0, grad[1], 0.0);
        double p = 1 / (1 + Math.exp(9.1));
        assertEquals(-Math.log(p), loss[2], 1e-13);
        assertEquals(p - 1, grad[2], 1e-15);
        assertEquals(Math.log1p(Math.exp(-3)), loss[3], 1e-15);
    }

    @Test
    void emptyMinibatchScoresZero() {
        INDArray empty = Nd4j.create(DataType.FLOAT, 0, 3);
        assertEquals(0.0, EXACT.computeScore(empty, empty, IDENTITY, null, true), 0.0);
        Pair<Double, INDArray> r = EXACT.computeGradientAndScore(empty, empty, IDENTITY, null, true);
        assertEquals(0.0, r.getFirst(), 0.0);
        assertArrayEquals(new long[] {0, 3}, r.getSecond().shape());
        assertArrayEquals(new long[] {0, 1}, EXACT.computeScoreArray(empty, empty, IDENTITY, null).shape());
    }

    // ---- bad input ----

    @Test
    void otherActivationsAreRejectedNamingTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EXACT.computeGradient(
                labels(DataType.FLOAT), logits(DataType.FLOAT), new ActivationTanH(), null));
        assertTrue(e.getMessage().contains("IDENTITY or SIGMOID") && e.getMessage().contains("tanh"), e.getMessage());
    }

    @Test
    void labelsOutOfRangeReportCountAndFirstIndex() {
        INDArray y = labels(DataType.FLOAT);
        y.putScalar(1, 2, 1.5);
        y.putScalar(2, 0, -0.1);
        y.putScalar(2, 3, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EXACT.computeScore(y, logits(DataType.FLOAT), IDENTITY, null, false));
        assertTrue(e.getMessage().contains("3 bad values") && e.getMessage().contains("[1, 2] = 1.5"),
                e.getMessage());
        INDArray mask = Nd4j.ones(DataType.FLOAT, 3, 4);
        mask.putScalar(1, 2, 0);
        IllegalArgumentException masked = assertThrows(IllegalArgumentException.class,
                () -> EXACT.computeScore(y, logits(DataType.FLOAT), IDENTITY, mask, false));
        assertTrue(masked.getMessage().contains("2 bad values") && masked.getMessage().contains("[2, 0]"),
                masked.getMessage());
    }

    @Test
    void shapeDtypeAndMaskProblemsAreNamed() {
        INDArray x = logits(DataType.FLOAT);
        assertMessage(() -> EXACT.computeGradient(Nd4j.zeros(DataType.FLOAT, 3, 5), x, IDENTITY, null),
                "labels [3, 5], preOutput [3, 4]");
        assertMessage(() -> EXACT.computeGradient(labels(DataType.INT), x, IDENTITY, null),
                "labels must have a floating-point dtype, got INT");
        assertMessage(() -> EXACT.computeGradient(labels(DataType.INT), labels(DataType.INT), IDENTITY, null),
                "preOutput must be FLOAT, DOUBLE, HALF or BFLOAT16, got INT");
        assertMessage(() -> EXACT.computeGradient(Nd4j.zeros(DataType.FLOAT, 2, 3, 4),
                Nd4j.zeros(DataType.FLOAT, 2, 3, 4), IDENTITY, null), "got shape [2, 3, 4]");
        assertMessage(() -> EXACT.computeGradient(labels(DataType.FLOAT), x, IDENTITY,
                Nd4j.ones(DataType.FLOAT, 3, 2)), "mask must be per example [3, 1] or per output [3, 4], got shape [3, 2]");
        INDArray negative = Nd4j.ones(DataType.FLOAT, 3, 1);
        negative.putScalar(2, 0, -1);
        assertMessage(() -> EXACT.computeGradient(labels(DataType.FLOAT), x, IDENTITY, negative),
                "1 bad values, the first at [2, 0] = -1.0");
        LossSkipGram weighted = LossSkipGram.builder().weights(Nd4j.ones(DataType.FLOAT, 1, 5)).build();
        assertMessage(() -> weighted.computeGradient(labels(DataType.FLOAT), x, IDENTITY, null),
                "weights has 5 entries but preOutput has 4 outputs");
        assertMessage(() -> EXACT.computeGradient(null, x, IDENTITY, null), "labels must not be null");
    }

    @Test
    void builderRejectsBadParameters() {
        assertMessage(() -> LossSkipGram.builder().clamped(0), "eps must lie in (0, 0.5), got 0.0");
        assertMessage(() -> LossSkipGram.builder().clamped(0.5), "eps must lie in (0, 0.5), got 0.5");
        assertMessage(() -> LossSkipGram.builder().clamped(Double.NaN), "eps must lie in (0, 0.5), got NaN");
        assertMessage(() -> LossSkipGram.builder().positiveWeight(-1), "positiveWeight must be finite and >= 0");
        assertMessage(() -> LossSkipGram.builder().negativeWeight(Double.POSITIVE_INFINITY),
                "negativeWeight must be finite and >= 0");
        assertMessage(() -> LossSkipGram.builder().weights(Nd4j.ones(2, 3)), "row vector [1, nOut], got shape [2, 3]");
        assertMessage(() -> LossSkipGram.builder().weights(Nd4j.createFromArray(new double[][] {{1, -2}})).build(),
                "weights must be finite and >= 0, got -2.0 at index 1");
    }

    @Test
    void epsThatVanishesInTheWorkingDtypeIsRejected() {
        LossSkipGram tiny = LossSkipGram.builder().clamped(1e-9).build();
        tiny.computeGradient(labels(DataType.DOUBLE), logits(DataType.DOUBLE), IDENTITY, null);
        assertMessage(() -> tiny.computeGradient(labels(DataType.FLOAT), logits(DataType.FLOAT), IDENTITY, null),
                "eps=1.0E-9 vanishes in FLOAT, the working dtype of FLOAT arrays: expected eps > 2.98");
        assertMessage(() -> tiny.computeGradient(labels(DataType.HALF), logits(DataType.HALF), IDENTITY, null),
                "eps=1.0E-9 vanishes in FLOAT, the working dtype of HALF arrays");
        assertMessage(() -> tiny.computeGradient(labels(DataType.BFLOAT16), logits(DataType.BFLOAT16), IDENTITY,
                null), "eps=1.0E-9 vanishes in FLOAT, the working dtype of BFLOAT16 arrays");
        LossSkipGram small = LossSkipGram.builder().clamped(1e-4).build();
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.HALF, DataType.BFLOAT16}) {
            small.computeGradient(labels(dt), logits(dt), IDENTITY, null); // 1 - 1e-4 differs from 1 in FLOAT
        }
    }

    @Test
    void valueSemantics() {
        LossSkipGram a = LossSkipGram.builder().clamped(1e-3).positiveWeight(2).weights(Nd4j.ones(1, 3)).build();
        LossSkipGram b = LossSkipGram.builder().clamped(1e-3).positiveWeight(2).weights(Nd4j.ones(1, 3)).build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("LossSkipGram(CLAMPED, eps=0.001, positiveWeight=2.0, negativeWeight=1.0, weights=[1.0, 1.0, 1.0])",
                a.toString());
        assertTrue(!a.equals(LossSkipGram.builder().clamped(1e-3).build()));
        assertEquals(new LossSkipGram(), LossSkipGram.builder().build());
        INDArray w = a.getWeights();
        w.putScalar(0, 5.0);
        assertEquals(b, a, "getWeights returns a copy");
    }

    /** Per-element losses, one column at a time through a per-output mask that keeps only that column. */
    private static INDArray perElement(LossSkipGram loss, INDArray y, INDArray x) {
        INDArray out = Nd4j.create(DataType.DOUBLE, x.shape());
        for (int c = 0; c < x.columns(); c++) {
            INDArray only = Nd4j.zeros(x.dataType(), x.shape());
            only.putColumn(c, Nd4j.ones(x.dataType(), x.rows(), 1));
            out.putColumn(c, loss.computeScoreArray(y, x, IDENTITY, only).castTo(DataType.DOUBLE));
        }
        return out.castTo(x.dataType());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}

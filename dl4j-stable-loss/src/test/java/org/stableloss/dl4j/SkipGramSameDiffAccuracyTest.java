package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stableloss.dl4j.samediff.SkipGramSameDiff;

/**
 * {@link SkipGramSameDiff} against its peer {@link LossSkipGram} on the accuracy sweep (logits log-spaced over
 * +-[1e-8, 1e4], 0, subnormals, and the largest finite values), hard labels, both modes, with pair and per-output
 * weights: per-element loss (NONE) and the autodiff gradient (of SUM) within a few ulp; the gradient is always
 * finite and the loss wherever its true value is (a weight above 1 times the largest logit overflows in both).
 */
class SkipGramSameDiffAccuracyTest {

    private static final int PER_SIGN = 500;
    /** Columns of the [n / 2, 2] logits: two per-output weights. */
    private static final double[] OUTPUT_WEIGHTS = {1.0, 0.75};

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (DTypes d : new DTypes[] {DTypes.FLOAT, DTypes.DOUBLE, DTypes.HALF, DTypes.BFLOAT16}) {
            double eps = 1e-4;
            cases.add(Arguments.of(d, new LossSkipGram()));
            cases.add(Arguments.of(d, LossSkipGram.builder().clamped(eps).build()));
            cases.add(Arguments.of(d, LossSkipGram.builder().positiveWeight(2.5).negativeWeight(0.3)
                    .weights(Nd4j.createFromArray(OUTPUT_WEIGHTS)).build()));
        }
        return cases.stream();
    }

    /** The largest distance to the peer, in ulps of the dtype: both compute in FLOAT below DOUBLE. */
    static double bound(DTypes d) {
        return switch (d) {
            case DOUBLE, FLOAT -> 4;
            case HALF, BFLOAT16 -> 1;
        };
    }

    private static double[] logits(DTypes d) {
        double[] sweep = Sweep.logits(PER_SIGN);
        double max = switch (d) {
            case DOUBLE -> Double.MAX_VALUE;
            case FLOAT -> Float.MAX_VALUE;
            case HALF -> 65504;
            case BFLOAT16 -> Math.scalb(2 - Math.scalb(1.0, -7), 127);
        };
        double[] x = new double[sweep.length + 5];
        System.arraycopy(sweep, 0, x, 0, sweep.length);
        x[sweep.length] = max;
        x[sweep.length + 1] = -max;
        x[sweep.length + 2] = 1e4;
        x[sweep.length + 3] = -1e4;
        x[sweep.length + 4] = 0.0;
        return x;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void lossAndGradientAgreeWithLossSkipGram(DTypes d, LossSkipGram config) {
        for (double label : new double[] {0, 1}) {
            double[] xs = logits(d);
            int rows = xs.length / 2;
            INDArray x = Nd4j.createFromArray(xs).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2 * rows))
                    .reshape(rows, 2).castTo(d.dataType);
            INDArray y = Nd4j.valueArrayOf(x.shape(), label, d.dataType);

            SameDiff sd = SameDiff.create();
            SDVariable logits = sd.var("x", x);
            SDVariable labels = sd.constant("y", y);
            SDVariable perElement = SkipGramSameDiff.loss(sd, "perElement", logits, labels, null, LossReduce.NONE,
                    config);
            SDVariable total = SkipGramSameDiff.loss(sd, "total", logits, labels, null, LossReduce.SUM, config);
            total.markAsLoss();
            INDArray lossOut = sd.output(Map.of(), "perElement").get("perElement");
            INDArray gradOut = sd.calculateGradients(Map.of(), "x").get("x");
            assertEquals(d.dataType, lossOut.dataType());
            assertEquals(d.dataType, gradOut.dataType());

            INDArray peerGrad = config.computeGradient(y, x, new ActivationIdentity(), null);
            double[] held = x.castTo(DataType.DOUBLE).dup('c').ravel().toDoubleVector();
            double[] loss = flat(lossOut);
            double[] grad = flat(gradOut);
            double[] peerG = flat(peerGrad);
            double[] peerL = peerLossPerElement(config, x, y);
            double worstLoss = 0;
            double worstGrad = 0;
            String where = "";
            double clampLogit = Math.log1p(-config.getEps()) - Math.log(config.getEps());
            for (int i = 0; i < held.length; i++) {
                assertTrue(Double.isFinite(grad[i]) && (Double.isFinite(loss[i]) || !Double.isFinite(peerL[i])),
                        "not finite at x=" + held[i] + ": loss " + loss[i] + ", gradient " + grad[i]);
                if (config.getMode() == LossSkipGram.Mode.CLAMPED
                        && Math.abs(Math.abs(held[i]) - clampLogit) < 1e-5 * clampLogit) {
                    continue; // the clamp's edge: the peer thresholds the logit, the op the clipped value
                }
                double el = d.ulpError(loss[i], peerL[i]);
                double eg = d.ulpError(grad[i], peerG[i]);
                if (Math.max(el, eg) > Math.max(worstLoss, worstGrad)) {
                    where = "x=" + held[i] + " y=" + label + ": loss " + loss[i] + " vs " + peerL[i] + ", gradient "
                            + grad[i] + " vs " + peerG[i];
                }
                worstLoss = Math.max(worstLoss, el);
                worstGrad = Math.max(worstGrad, eg);
            }
            System.out.printf("SameDiff vs LossSkipGram %s %s y=%s: loss %.2f ulp, gradient %.2f ulp%n",
                    d, config, label, worstLoss, worstGrad);
            assertTrue(worstLoss <= bound(d) && worstGrad <= bound(d),
                    "worst loss " + worstLoss + " ulp, gradient " + worstGrad + " ulp at " + where);
        }
    }

    /** LossSkipGram's per-element loss: the score array of each element alone, as one [n, 1] column. */
    private static double[] peerLossPerElement(LossSkipGram config, INDArray x, INDArray y) {
        long rows = x.size(0);
        double[] out = new double[(int) (rows * 2)];
        for (int c = 0; c < 2; c++) {
            INDArray mask = Nd4j.zeros(x.dataType(), x.shape());
            mask.getColumn(c).assign(1);
            double[] s = flat(config.computeScoreArray(y, x, new ActivationIdentity(), mask));
            for (int r = 0; r < rows; r++) {
                out[r * 2 + c] = s[r];
            }
        }
        return out;
    }

    @Test
    void gradientAtExactlyZeroIsPlusMinusHalf() {
        for (DTypes d : DTypes.values()) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.var("x", Nd4j.zeros(d.dataType, 1, 2));
            SDVariable y = sd.constant("y", Nd4j.createFromArray(new double[][] {{1, 0}}).castTo(d.dataType));
            SkipGramSameDiff.loss(sd, "loss", x, y, null, LossReduce.SUM, new LossSkipGram()).markAsLoss();
            INDArray g = sd.calculateGradients(Map.of(), "x").get("x");
            assertEquals(-0.5, g.getDouble(0, 0), 0.0, d + " positive pair");
            assertEquals(0.5, g.getDouble(0, 1), 0.0, d + " negative pair");
            assertEquals(2 * Math.log(2), sd.output(Map.of(), "loss").get("loss").getDouble(0), 2 * d.ulp(1.4), d
                    + " loss");
        }
    }

    static double[] flat(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').ravel().toDoubleVector();
    }
}

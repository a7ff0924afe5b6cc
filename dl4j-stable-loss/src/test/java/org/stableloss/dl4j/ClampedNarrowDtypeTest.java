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
import org.stableloss.dl4j.internal.Precision;
import org.stableloss.dl4j.samediff.SkipGramSameDiff;

/**
 * The clamped mode on HALF and BFLOAT16 arrays, which both entry points compute in FLOAT: any eps whose clamp
 * survives in FLOAT is accepted (1e-4 and 1e-6 here, both far below what HALF or BFLOAT16 could hold as 1 - eps).
 * Against a double reference, per element: the loss lies within the clamp's bounds {@code [-log1p(-eps),
 * -log(eps)]} rounded to the dtype and within 1 ulp of the reference; the gradient is exactly 0 past the clamp
 * ({@code |x| >= log((1 - eps) / eps)}) and, inside it, within 1 ulp of the exact gradient and equal to what the
 * exact mode returns.
 */
class ClampedNarrowDtypeTest {

    enum Entry { LOSS_SKIP_GRAM, SAME_DIFF }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Entry entry : Entry.values()) {
            for (DTypes d : new DTypes[] {DTypes.HALF, DTypes.BFLOAT16}) {
                for (double eps : new double[] {1e-4, 1e-6}) {
                    for (double label : new double[] {0, 1}) {
                        cases.add(Arguments.of(entry, d, eps, label));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} eps={2} y={3}")
    @MethodSource("cases")
    void lossWithinTheClampAndGradientZeroPastIt(Entry entry, DTypes d, double eps, double label) {
        double lo = -Math.log1p(-eps);
        double hi = -Math.log(eps);
        double clampLogit = Math.log1p(-eps) - Math.log(eps);
        INDArray x = logits(clampLogit).castTo(d.dataType);
        INDArray y = Nd4j.valueArrayOf(x.shape(), label, d.dataType);
        LossSkipGram clamped = LossSkipGram.builder().clamped(eps).build();
        INDArray[] out = entry == Entry.LOSS_SKIP_GRAM ? viaLoss(clamped, x, y) : viaSameDiff(clamped, x, y);
        INDArray exactGradient = entry == Entry.LOSS_SKIP_GRAM ? viaLoss(new LossSkipGram(), x, y)[1]
                : viaSameDiff(new LossSkipGram(), x, y)[1];
        assertEquals(d.dataType, out[0].dataType());
        assertEquals(d.dataType, out[1].dataType());

        double[] xs = Sweep.asHeld(x);
        double[] loss = Sweep.asHeld(out[0]);
        double[] grad = Sweep.asHeld(out[1]);
        double[] exact = Sweep.asHeld(exactGradient);
        double loHeld = Sweep.asHeld(Nd4j.scalar(lo).reshape(1, 1).castTo(d.dataType))[0];
        double hiHeld = Sweep.asHeld(Nd4j.scalar(hi).reshape(1, 1).castTo(d.dataType))[0];
        int past = 0;
        for (int i = 0; i < xs.length; i++) {
            double xi = xs[i];
            String at = String.format("%s %s eps=%s y=%s x=%s: loss %s, gradient %s", entry, d, eps, label, xi,
                    loss[i], grad[i]);
            double e = Math.exp(-Math.abs(xi));
            double softplusPos = Math.max(xi, 0) + Math.log1p(e);  // loss of a negative pair
            double softplusNeg = Math.max(-xi, 0) + Math.log1p(e); // loss of a positive pair
            double sigmoidPos = xi >= 0 ? 1 / (1 + e) : e / (1 + e);
            double sigmoidNeg = xi >= 0 ? e / (1 + e) : 1 / (1 + e);
            double term = label == 1 ? softplusNeg : softplusPos;
            double exactGrad = label == 1 ? -sigmoidNeg : sigmoidPos;
            assertTrue(loss[i] >= loHeld && loss[i] <= hiHeld, "outside [" + loHeld + ", " + hiHeld + "]: " + at);
            double referenceLoss = Math.min(Math.max(term, lo), hi);
            assertTrue(d.ulpError(loss[i], referenceLoss) <= 1, "loss vs reference " + referenceLoss + ": " + at);
            if (Math.abs(Math.abs(xi) - clampLogit) < 1e-5 * clampLogit) {
                continue; // the clamp's edge: a rounding of the threshold decides the branch
            }
            if (Math.abs(xi) >= clampLogit) {
                past++;
                assertEquals(0.0, grad[i], 0.0, "gradient past the clamp: " + at);
            } else {
                assertTrue(d.ulpError(grad[i], exactGrad) <= 1, "gradient vs exact " + exactGrad + ": " + at);
                assertEquals(exact[i], grad[i], 0.0, "gradient vs the exact mode's: " + at);
            }
        }
        assertTrue(past > 100 && past < xs.length - 100, "test setup: both sides of the clamp covered");
    }

    @Test
    void epsThatVanishesInFloatIsStillRejectedForHalf() {
        assertTrue(Precision.clampVanishes(Math.scalb(1.0, -25), DataType.FLOAT));
        assertTrue(!Precision.clampVanishes(Math.nextUp(Math.scalb(1.0, -25)), DataType.FLOAT));
        LossSkipGram tiny = LossSkipGram.builder().clamped(Math.scalb(1.0, -25)).build();
        INDArray x = Nd4j.zeros(DataType.HALF, 2, 2);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> tiny.computeGradient(x, x, new ActivationIdentity(), null));
        assertTrue(e.getMessage().contains("vanishes in FLOAT, the working dtype of HALF arrays"), e.getMessage());
    }

    @Test
    void largestVanishingEpsIsHalfTheSpacingBelowOne() {
        for (DTypes d : DTypes.values()) {
            double limit = Precision.largestVanishingEps(d.dataType);
            assertEquals(d.ulp(0.75) / 2, limit, 0.0, d.toString());
            double[] held = Sweep.asHeld(Sweep.column(new double[] {1 - limit, 1 - 2 * limit}, d.dataType));
            assertEquals(1.0, held[0], 0.0, d + ": 1 - limit rounds to 1");
            assertTrue(held[1] < 1.0, d + ": 1 - 2 * limit does not");
        }
    }

    /** A column of logits over +-40: a fine grid, both sides of the clamp and its edge. */
    private static INDArray logits(double clampLogit) {
        List<Double> v = new ArrayList<>();
        for (int k = -2000; k <= 2000; k++) {
            v.add(k * 0.02);
        }
        for (double s : new double[] {-1, 1}) {
            v.add(s * clampLogit);
            v.add(s * Math.nextDown(clampLogit));
            v.add(s * clampLogit * (1 - 1e-3));
            v.add(s * clampLogit * (1 + 1e-3));
        }
        return Sweep.column(v.stream().mapToDouble(Double::doubleValue).toArray(), DataType.DOUBLE);
    }

    /** Per-element loss (row scores of a single column) and gradient from LossSkipGram. */
    private static INDArray[] viaLoss(LossSkipGram loss, INDArray x, INDArray y) {
        return new INDArray[] {loss.computeScoreArray(y, x, new ActivationIdentity(), null),
                loss.computeGradient(y, x, new ActivationIdentity(), null)};
    }

    /** Per-element loss (NONE) and the autodiff gradient of the SUM from the SameDiff op. */
    private static INDArray[] viaSameDiff(LossSkipGram config, INDArray x, INDArray y) {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.var("x", x);
        SDVariable labels = sd.constant("y", y);
        SkipGramSameDiff.loss(sd, "perElement", logits, labels, null, LossReduce.NONE, config);
        SkipGramSameDiff.loss(sd, "total", logits, labels, null, LossReduce.SUM, config).markAsLoss();
        return new INDArray[] {sd.output(Map.of(), "perElement").get("perElement"),
                sd.calculateGradients(Map.of(), "x").get("x")};
    }
}

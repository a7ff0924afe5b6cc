package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** {@link SkipGramScalar} against the 50-digit reference, and its clamped mode against the clamp's definition. */
class SkipGramScalarTest {

    private static final double[] LOGITS = {-745, -700, -100, -40, -17, -10, -1, -1e-3, -1e-300, 0, 1e-300, 1e-3,
            0.5, 1, 6, 10, 16.6, 17, 40, 100, 700, 745};

    private static double ulps(double actual, BigDecimal reference) {
        double ref = reference.doubleValue();
        return ref == 0 ? Math.abs(actual) / Double.MIN_VALUE : Math.abs(actual - ref) / Math.ulp(ref);
    }

    @Test
    void exactLossAndGradientWithinTwoUlpsOfTheReferenceForBothLabels() {
        SkipGramScalar f = SkipGramScalar.of(new LossSkipGram());
        for (double x : LOGITS) {
            HighPrecision.Terms t = HighPrecision.terms(x);
            assertTrue(ulps(f.loss(x, 1), t.softplusNeg()) <= 2, "positive loss at " + x + ": " + f.loss(x, 1));
            assertTrue(ulps(f.loss(x, 0), t.softplusPos()) <= 2, "negative loss at " + x + ": " + f.loss(x, 0));
            assertTrue(ulps(f.gradient(x, 1), t.sigmoidNeg().negate()) <= 2, "positive gradient at " + x);
            assertTrue(ulps(f.gradient(x, 0), t.sigmoidPos()) <= 2, "negative gradient at " + x);
        }
    }

    @Test
    void confidentlyWrongPositivePairKeepsItsGradient() {
        SkipGramScalar f = SkipGramScalar.of(new LossSkipGram());
        assertEquals(100.0, f.loss(-100, 1), 1e-12);
        assertEquals(-1.0, f.gradient(-100, 1), 1e-15);
    }

    @Test
    void clampedModeClampsTheLossAndZeroesTheGradientPastTheClamp() {
        double eps = 1e-4;
        SkipGramScalar f = SkipGramScalar.of(LossSkipGram.builder().clamped(eps).build());
        double clampLogit = Math.log((1 - eps) / eps);
        for (double x : LOGITS) {
            double p = 1 / (1 + Math.exp(-x));
            double clamped = Math.min(Math.max(p, eps), 1 - eps);
            assertEquals(-Math.log(clamped), f.loss(x, 1), 1e-9 * Math.max(1, Math.abs(Math.log(clamped))),
                    "clamped positive loss at " + x);
            if (Math.abs(x) > clampLogit + 1e-9) {
                assertEquals(0.0, f.gradient(x, 1), "clamped gradient past the clamp at " + x);
            }
        }
        assertEquals(-1 / (1 + Math.exp(-2.0)), f.gradient(-2, 1), 1e-15);
    }

    @Test
    void classWeightsScaleEachTerm() {
        SkipGramScalar w = SkipGramScalar.of(LossSkipGram.builder().positiveWeight(2).negativeWeight(0.5).build());
        SkipGramScalar one = SkipGramScalar.of(new LossSkipGram());
        assertEquals(2 * one.loss(0.3, 1), w.loss(0.3, 1), 0);
        assertEquals(0.5 * one.gradient(0.3, 0), w.gradient(0.3, 0), 0);
    }

    @Test
    void rejectsPerOutputWeightsNamingThem() {
        LossSkipGram weighted = LossSkipGram.builder().weights(Nd4j.createFromArray(1.0, 2.0)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SkipGramScalar.of(weighted));
        assertTrue(e.getMessage().contains("length 2"), e.getMessage());
    }
}

package org.stableloss.dl4j;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * An independent reference for the skip-gram loss: softplus and sigmoid in 50-digit decimal arithmetic
 * (Taylor series for exp after argument halving, the atanh series for log1p). Exact enough to measure DOUBLE
 * results in ulps. Only finite arguments.
 */
public final class HighPrecision {

    static final MathContext MC = new MathContext(50, RoundingMode.HALF_EVEN);
    private static final MathContext WORK = new MathContext(70, RoundingMode.HALF_EVEN);

    private HighPrecision() {
    }

    /** exp(x) for finite x. */
    public static BigDecimal exp(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ONE;
        }
        int halvings = 0;
        BigDecimal r = x;
        while (r.abs().compareTo(new BigDecimal("0.001")) > 0) {
            r = r.divide(BigDecimal.valueOf(2), WORK);
            halvings++;
        }
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        for (int n = 1; n < 40; n++) {
            term = term.multiply(r, WORK).divide(BigDecimal.valueOf(n), WORK);
            sum = sum.add(term, WORK);
        }
        for (int i = 0; i < halvings; i++) {
            sum = sum.multiply(sum, WORK);
        }
        return sum;
    }

    /** log1p(e) for e in [0, 1]: 2 atanh(e / (2 + e)). */
    public static BigDecimal log1p(BigDecimal e) {
        BigDecimal t = e.divide(e.add(BigDecimal.valueOf(2)), WORK);
        BigDecimal t2 = t.multiply(t, WORK);
        BigDecimal power = t;
        BigDecimal sum = BigDecimal.ZERO;
        for (int n = 0; n < 200; n++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), WORK);
            sum = sum.add(term, WORK);
            if (term.signum() == 0 || term.abs().compareTo(sum.abs().movePointLeft(75)) < 0) {
                break;
            }
            power = power.multiply(t2, WORK);
        }
        return sum.multiply(BigDecimal.valueOf(2), MC);
    }

    /** softplus(x) = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), and sigmoid(x), for finite x. */
    public static Terms terms(double x) {
        BigDecimal bx = new BigDecimal(x);
        BigDecimal e = exp(bx.abs().negate());
        BigDecimal t = log1p(e);
        BigDecimal onePlusE = BigDecimal.ONE.add(e, WORK);
        BigDecimal big = BigDecimal.ONE.divide(onePlusE, WORK);  // sigmoid(|x|)
        BigDecimal small = e.divide(onePlusE, WORK);             // sigmoid(-|x|)
        BigDecimal relu = bx.max(BigDecimal.ZERO);
        BigDecimal reluNeg = bx.negate().max(BigDecimal.ZERO);
        boolean nonNegative = x >= 0;
        return new Terms(relu.add(t, MC), reluNeg.add(t, MC), nonNegative ? big : small, nonNegative ? small : big);
    }

    /**
     * @param softplusPos softplus(x): the loss of a negative pair
     * @param softplusNeg softplus(-x): the loss of a positive pair
     * @param sigmoidPos  sigmoid(x)
     * @param sigmoidNeg  sigmoid(-x)
     */
    public record Terms(BigDecimal softplusPos, BigDecimal softplusNeg, BigDecimal sigmoidPos, BigDecimal sigmoidNeg) {
    }
}

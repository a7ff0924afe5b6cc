package org.stableloss.dl4j;

/**
 * The host path's {@code exp(-|x|)} and {@code log1p(e)} in plain double arithmetic: additions, multiplications,
 * fused multiply-adds, one division and exponent bits, with no branch and no call to {@code Math.exp} or
 * {@code Math.log}. Java's floating-point arithmetic is the same IEEE arithmetic interpreted, compiled, in the JIT's
 * vectorized loops and in the JDK vector API's lanes, so every path that evaluates these steps in this order gets
 * the same bits: {@link SkipGramScalar} one element at a time, {@link ScalarKernels} in loops that C2 vectorizes by
 * itself, and {@link VectorKernels} in vector lanes.
 *
 * <p>{@code exp(-|x|)} is split in steps so that loops can keep those that vectorize apart from those that
 * select or read exponent bits (which C2 does not vectorize): {@link #expArgument} clamps {@code |x|} to
 * {@code t <= 745.5}, {@link #expIndex} rounds {@code -t / ln 2} to an integer {@code n} held in the low bits of a
 * double, {@link #expMantissa} evaluates {@code exp(r)} for the remainder {@code r = -t - n ln 2} in
 * [-ln 2 / 2, ln 2 / 2] (Cody and Waite's two-part {@code ln 2}, then a degree-11 polynomial fitted to Chebyshev
 * nodes, relative error below 2e-17), and {@link #expScale} multiplies by {@code 2^n} in two exact steps, so that
 * results below {@code Double.MIN_NORMAL} round once into the subnormals. Beyond 745.5 the result is 0
 * anyway. Measured against a 50-digit reference: within 1 ulp.
 *
 * <p>{@code log1p(e)} for {@code e} in [0, 1]: with {@code s = e / (2 + e)} in [0, 1/3], {@code log1p(e) =
 * 2 atanh(s) = 2s + 2s z g(z)}, {@code z = s^2}, {@code g} a degree-9 polynomial fitted to Chebyshev nodes on
 * [0, 1/9] (its contribution's error below 1e-17). Relative error about 1 ulp, mostly the rounding of {@code 2 + e}
 * and of the division (at most 1.8 ulp measured against a 50-digit reference); no cancellation for small {@code e}.
 *
 * <p>NaN gives NaN; {@code |x| = infinity} gives {@code exp(-|x|) = 0}.
 */
final class HostMath {

    /** Largest {@code |x|} the exponential is evaluated at; {@code exp(-745.5)} rounds to 0. */
    static final double EXP_ARGUMENT_LIMIT = 745.5;
    /** {@code 1.5 * 2^52}: adding it rounds a double of magnitude below 2^51 to an integer, held in the low bits. */
    static final double SHIFT = 0x1.8p52;
    static final long SHIFT_BITS = Double.doubleToRawLongBits(SHIFT);
    static final double LOG2E = 1.4426950408889634;
    /** The high part of ln 2 (fdlibm's {@code ln2HI}), with trailing zero bits so that {@code n * LN2_HI} is exact. */
    static final double LN2_HI = 6.93147180369123816490e-01;
    static final double LN2_LO = 1.90821492927058770002e-10;

    static final double E11 = 2.5110037605963777e-08;
    static final double E10 = 2.763263963904103e-07;
    static final double E9 = 2.755724091857897e-06;
    static final double E8 = 2.4801485482328494e-05;
    static final double E7 = 0.00019841269890047113;
    static final double E6 = 0.0013888888952314775;
    static final double E5 = 0.008333333333319601;
    static final double E4 = 0.0416666666664881;
    static final double E3 = 0.1666666666666668;
    static final double E2 = 0.5000000000000019;

    static final double G9 = 0.08082022805971766;
    static final double G8 = 0.04400369243072337;
    static final double G7 = 0.06000536404795356;
    static final double G6 = 0.06657072104827468;
    static final double G5 = 0.07692785032479312;
    static final double G4 = 0.09090894718066429;
    static final double G3 = 0.11111111358713932;
    static final double G2 = 0.1428571428355438;
    static final double G1 = 0.20000000000007292;
    static final double G0 = 0.3333333333333333;

    private HostMath() {
    }

    /** {@code exp(-|x|)}: the steps below, in order. */
    static double expNegAbs(double x) {
        double t = expArgument(Math.abs(x));
        double index = expIndex(t);
        return expScale(expMantissa(t, index), index);
    }

    /**
     * The argument the exponential is evaluated at, {@code t = min(ax, 745.5)} for {@code ax = |x|} (NaN stays
     * NaN), as a select rather than {@code Math.min}, which C2 compiles to branches on JDK 17.
     */
    static double expArgument(double ax) {
        return ax > EXP_ARGUMENT_LIMIT ? EXP_ARGUMENT_LIMIT : ax;
    }

    /**
     * The first step of {@code exp(-t)}, {@code t} in [0, 745.5]: {@code SHIFT + round(-t / ln 2)}, an integer
     * {@code n} in [-1076, 0] in the low bits of the result ({@code result - SHIFT == n} exactly).
     */
    static double expIndex(double t) {
        return Math.fma(-t, LOG2E, SHIFT);
    }

    /** The second step: {@code exp(r)}, {@code r = -t - n ln 2} in [-0.35, 0.35]; in [0.7, 1.42]. */
    static double expMantissa(double t, double index) {
        double n = index - SHIFT;
        double r = Math.fma(n, -LN2_HI, -t);
        r = Math.fma(n, -LN2_LO, r);
        double p = Math.fma(E11, r, E10);
        p = Math.fma(p, r, E9);
        p = Math.fma(p, r, E8);
        p = Math.fma(p, r, E7);
        p = Math.fma(p, r, E6);
        p = Math.fma(p, r, E5);
        p = Math.fma(p, r, E4);
        p = Math.fma(p, r, E3);
        p = Math.fma(p, r, E2);
        p = Math.fma(p, r, 1.0);
        return Math.fma(p, r, 1.0);
    }

    /** The third step: {@code mantissa * 2^n}, as {@code (mantissa * 2^(n >> 1)) * 2^(n - (n >> 1))}. */
    static double expScale(double mantissa, double index) {
        long n = Double.doubleToRawLongBits(index) - SHIFT_BITS;
        long half = n >> 1;
        return mantissa * Double.longBitsToDouble((half + 1023) << 52)
                * Double.longBitsToDouble((n - half + 1023) << 52);
    }

    /** {@code log1p(e)} for {@code e} in [0, 1] (see the class comment). */
    static double log1pUnit(double e) {
        double s = e / (2 + e);
        double z = s * s;
        double g = Math.fma(G9, z, G8);
        g = Math.fma(g, z, G7);
        g = Math.fma(g, z, G6);
        g = Math.fma(g, z, G5);
        g = Math.fma(g, z, G4);
        g = Math.fma(g, z, G3);
        g = Math.fma(g, z, G2);
        g = Math.fma(g, z, G1);
        g = Math.fma(g, z, G0);
        double twoS = 2 * s;
        return Math.fma(twoS * z, g, twoS);
    }
}

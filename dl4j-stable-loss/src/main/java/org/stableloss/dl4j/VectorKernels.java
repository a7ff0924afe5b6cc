package org.stableloss.dl4j;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link HostKernels} in double-precision lanes of the JDK vector API, with {@link HostMath}'s arithmetic
 * {@code exp} and {@code log1p} step for step (additions, multiplications, fused multiply-adds, one division and
 * exponent bits, all exact IEEE operations), so that every lane gives the same bits as {@link SkipGramScalar} and
 * {@link ScalarKernels}, whether the JIT has compiled the loop or the vector API still runs it lane by lane. Reads
 * and writes heap arrays only ({@code fromArray}/{@code intoArray}, which every JDK from 17 to 25 has). The tail
 * shorter than a vector goes to {@link ScalarKernels}. Only loaded when the JVM has the vector module (see
 * {@link FastPath}).
 *
 * <p>Each output has its own straight-line loop with no vector value assigned conditionally, so that the JIT keeps
 * every vector in registers (a vector merged from two branches is boxed on the heap). When both outputs are asked
 * for, one exponential serves both.
 */
final class VectorKernels implements HostKernels {

    static final VectorKernels INSTANCE = new VectorKernels();

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** The scale when there is none; never written. */
    private static final double[] ONES = new double[FastPath.CHUNK];

    static {
        java.util.Arrays.fill(ONES, 1.0);
    }

    private VectorKernels() {
    }

    @Override
    public void compute(double[] x, double[] y, double[] scale, int n, SkipGramKernels.KernelParams p, double[] loss,
                        double[] grad, double[] work) {
        if (loss == null && grad == null) {
            return;
        }
        double[] s = scale == null ? ONES : scale;
        int upper = D.loopBound(n);
        double[] e = grad != null ? grad : loss;
        expNegAbs(x, upper, e);
        if (loss != null) {
            lossOf(x, y, s, e, upper, p, loss);
        }
        if (grad != null) {
            gradientOf(x, y, s, e, upper, p, grad);
        }
        ScalarKernels.compute(x, y, scale, upper, n, p, loss, grad, work);
    }

    /** {@code e[k] = exp(-|x[k]|)}. */
    private static void expNegAbs(double[] x, int upper, double[] e) {
        for (int k = 0; k < upper; k += D.length()) {
            expNegAbs(DoubleVector.fromArray(D, x, k)).intoArray(e, k);
        }
    }

    /**
     * The loss from {@code e = exp(-|x|)}, {@link SkipGramScalar#lossOfOrdinary} in lanes and then
     * {@link ScalarKernels#lossOfOthers}; {@code loss} may be {@code e}.
     */
    private static void lossOf(double[] x, double[] y, double[] s, double[] e, int upper,
                               SkipGramKernels.KernelParams p, double[] loss) {
        double wPos = p.positiveWeight();
        double wNeg = p.negativeWeight();
        double lo = p.clampLow();
        double hi = p.clampHigh();
        for (int k = 0; k < upper; k += D.length()) {
            DoubleVector xv = DoubleVector.fromArray(D, x, k);
            DoubleVector yv = DoubleVector.fromArray(D, y, k);
            DoubleVector sv = DoubleVector.fromArray(D, s, k);
            DoubleVector a = yv.neg().add(1.0).mul(wNeg).mul(sv);
            DoubleVector b = yv.mul(wPos).mul(sv);
            DoubleVector log1p = log1pUnit(DoubleVector.fromArray(D, e, k));
            DoubleVector ax = xv.abs();
            DoubleVector spPos = xv.add(ax).mul(0.5).add(log1p);
            DoubleVector spNeg = ax.sub(xv).mul(0.5).add(log1p);
            // in the exact mode lo = 0 and hi = +inf leave the (finite, >= +0) softplus values as they are
            a.mul(spPos.max(lo).min(hi)).add(b.mul(spNeg.max(lo).min(hi))).intoArray(loss, k);
        }
        ScalarKernels.lossOfOthers(x, y, s, 0, upper, p, loss);
    }

    /** The gradient from {@code e = exp(-|x|)}, 0 where {@code |x| >= clampLogit}; {@code grad} may be {@code e}. */
    private static void gradientOf(double[] x, double[] y, double[] s, double[] e, int upper,
                                   SkipGramKernels.KernelParams p, double[] grad) {
        double wPos = p.positiveWeight();
        double wNeg = p.negativeWeight();
        double clampLogit = p.clampLogit();
        for (int k = 0; k < upper; k += D.length()) {
            DoubleVector xv = DoubleVector.fromArray(D, x, k);
            DoubleVector yv = DoubleVector.fromArray(D, y, k);
            DoubleVector sv = DoubleVector.fromArray(D, s, k);
            DoubleVector ev = DoubleVector.fromArray(D, e, k);
            DoubleVector a = yv.neg().add(1.0).mul(wNeg).mul(sv);
            DoubleVector b = yv.mul(wPos).mul(sv);
            DoubleVector big = DoubleVector.broadcast(D, 1.0).div(ev.add(1.0));
            DoubleVector small = ev.mul(big);
            VectorMask<Double> nonNegative = xv.compare(VectorOperators.GE, 0.0);
            DoubleVector sigPos = small.blend(big, nonNegative);
            DoubleVector sigNeg = big.blend(small, nonNegative);
            a.mul(sigPos).sub(b.mul(sigNeg)).blend(0.0, xv.abs().compare(VectorOperators.GE, clampLogit))
                    .intoArray(grad, k);
        }
    }

    /** {@link HostMath#expNegAbs} in lanes, step for step. */
    private static DoubleVector expNegAbs(DoubleVector x) {
        DoubleVector t = x.abs().min(HostMath.EXP_ARGUMENT_LIMIT).neg();
        DoubleVector index = t.fma(HostMath.LOG2E, HostMath.SHIFT);
        DoubleVector n = index.sub(HostMath.SHIFT);
        DoubleVector r = n.fma(c(-HostMath.LN2_HI), t);
        r = n.fma(c(-HostMath.LN2_LO), r);
        DoubleVector m = r.fma(HostMath.E11, HostMath.E10);
        m = m.fma(r, c(HostMath.E9));
        m = m.fma(r, c(HostMath.E8));
        m = m.fma(r, c(HostMath.E7));
        m = m.fma(r, c(HostMath.E6));
        m = m.fma(r, c(HostMath.E5));
        m = m.fma(r, c(HostMath.E4));
        m = m.fma(r, c(HostMath.E3));
        m = m.fma(r, c(HostMath.E2));
        m = m.fma(r, c(1.0));
        m = m.fma(r, c(1.0));
        LongVector bits = index.viewAsIntegralLanes().sub(HostMath.SHIFT_BITS);
        LongVector half = bits.lanewise(VectorOperators.ASHR, 1);
        DoubleVector scale1 = half.add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
        DoubleVector scale2 = bits.sub(half).add(1023).lanewise(VectorOperators.LSHL, 52).viewAsFloatingLanes();
        return m.mul(scale1).mul(scale2);
    }

    /** {@link HostMath#log1pUnit} in lanes, step for step. */
    private static DoubleVector log1pUnit(DoubleVector e) {
        DoubleVector s = e.div(e.add(2.0));
        DoubleVector z = s.mul(s);
        DoubleVector g = z.fma(HostMath.G9, HostMath.G8);
        g = g.fma(z, c(HostMath.G7));
        g = g.fma(z, c(HostMath.G6));
        g = g.fma(z, c(HostMath.G5));
        g = g.fma(z, c(HostMath.G4));
        g = g.fma(z, c(HostMath.G3));
        g = g.fma(z, c(HostMath.G2));
        g = g.fma(z, c(HostMath.G1));
        g = g.fma(z, c(HostMath.G0));
        DoubleVector twoS = s.mul(2.0);
        return twoS.mul(z).fma(g, twoS);
    }

    /** A constant in every lane. */
    private static DoubleVector c(double value) {
        return DoubleVector.broadcast(D, value);
    }
}

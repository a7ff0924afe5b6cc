package org.stableloss.dl4j;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link HostKernels} in double-precision lanes of the JDK vector API ({@code exp} and {@code log1p} are the JDK's
 * vector intrinsics, SVML on x86), reading and writing heap arrays only ({@code fromArray}/{@code intoArray}, which
 * every JDK from 17 to 25 has). The tail shorter than a vector goes to {@link ScalarKernels}. Only loaded when the
 * JVM has the vector module (see {@link FastPath}).
 *
 * <p>Each output has its own straight-line loop with no vector value assigned conditionally, so that the JIT keeps
 * every vector in registers (a vector merged from two branches is boxed on the heap).
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
                        double[] grad) {
        double[] s = scale == null ? ONES : scale;
        int upper = D.loopBound(n);
        if (loss != null && grad != null) {
            both(x, y, s, upper, p, loss, grad);
        } else if (loss != null) {
            lossOnly(x, y, s, upper, p, loss);
        } else if (grad != null) {
            gradientOnly(x, y, s, upper, p, grad);
        }
        ScalarKernels.compute(x, y, scale, upper, n, p, loss, grad);
    }

    private static void lossOnly(double[] x, double[] y, double[] s, int upper, SkipGramKernels.KernelParams p,
                                 double[] loss) {
        double wPos = p.positiveWeight();
        double wNeg = p.negativeWeight();
        double lo = p.clampLow();
        double hi = p.clampHigh();
        for (int k = 0; k < upper; k += D.length()) {
            DoubleVector xv = DoubleVector.fromArray(D, x, k);
            DoubleVector yv = DoubleVector.fromArray(D, y, k);
            DoubleVector sv = DoubleVector.fromArray(D, s, k);
            DoubleVector a = yv.neg().add(1.0).mul(sv).mul(wNeg);
            DoubleVector b = yv.mul(sv).mul(wPos);
            DoubleVector log1p = xv.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P);
            lossOf(xv, a, b, log1p, lo, hi).intoArray(loss, k);
        }
    }

    private static void gradientOnly(double[] x, double[] y, double[] s, int upper, SkipGramKernels.KernelParams p,
                                     double[] grad) {
        double wPos = p.positiveWeight();
        double wNeg = p.negativeWeight();
        double clampLogit = p.clampLogit();
        for (int k = 0; k < upper; k += D.length()) {
            DoubleVector xv = DoubleVector.fromArray(D, x, k);
            DoubleVector yv = DoubleVector.fromArray(D, y, k);
            DoubleVector sv = DoubleVector.fromArray(D, s, k);
            DoubleVector a = yv.neg().add(1.0).mul(sv).mul(wNeg);
            DoubleVector b = yv.mul(sv).mul(wPos);
            DoubleVector ax = xv.abs();
            DoubleVector e = ax.neg().lanewise(VectorOperators.EXP);
            gradientOf(xv, ax, e, a, b, clampLogit).intoArray(grad, k);
        }
    }

    private static void both(double[] x, double[] y, double[] s, int upper, SkipGramKernels.KernelParams p,
                             double[] loss, double[] grad) {
        double wPos = p.positiveWeight();
        double wNeg = p.negativeWeight();
        double lo = p.clampLow();
        double hi = p.clampHigh();
        double clampLogit = p.clampLogit();
        for (int k = 0; k < upper; k += D.length()) {
            DoubleVector xv = DoubleVector.fromArray(D, x, k);
            DoubleVector yv = DoubleVector.fromArray(D, y, k);
            DoubleVector sv = DoubleVector.fromArray(D, s, k);
            DoubleVector a = yv.neg().add(1.0).mul(sv).mul(wNeg);
            DoubleVector b = yv.mul(sv).mul(wPos);
            DoubleVector ax = xv.abs();
            DoubleVector e = ax.neg().lanewise(VectorOperators.EXP);
            lossOf(xv, a, b, e.lanewise(VectorOperators.LOG1P), lo, hi).intoArray(loss, k);
            gradientOf(xv, ax, e, a, b, clampLogit).intoArray(grad, k);
        }
    }

    /** {@code a * softplus(x) + b * softplus(-x)}, each softplus clamped to [lo, hi], zero-weight terms exactly 0. */
    private static DoubleVector lossOf(DoubleVector x, DoubleVector a, DoubleVector b, DoubleVector log1p,
                                       double lo, double hi) {
        DoubleVector spPos = x.max(0.0).add(log1p).max(lo).min(hi);
        DoubleVector spNeg = x.neg().max(0.0).add(log1p).max(lo).min(hi);
        DoubleVector termPos = a.mul(spPos).blend(0.0, a.eq(0.0));
        DoubleVector termNeg = b.mul(spNeg).blend(0.0, b.eq(0.0));
        return termPos.add(termNeg);
    }

    /** {@code a * sigmoid(x) - b * sigmoid(-x)}, 0 where {@code |x| >= clampLogit}. */
    private static DoubleVector gradientOf(DoubleVector x, DoubleVector ax, DoubleVector e, DoubleVector a,
                                           DoubleVector b, double clampLogit) {
        DoubleVector big = DoubleVector.broadcast(D, 1.0).div(e.add(1.0));
        DoubleVector small = e.mul(big);
        VectorMask<Double> nonNegative = x.compare(VectorOperators.GE, 0.0);
        DoubleVector sigPos = small.blend(big, nonNegative);
        DoubleVector sigNeg = big.blend(small, nonNegative);
        return a.mul(sigPos).sub(b.mul(sigNeg)).blend(0.0, ax.compare(VectorOperators.GE, clampLogit));
    }
}

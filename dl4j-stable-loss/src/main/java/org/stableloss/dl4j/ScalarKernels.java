package org.stableloss.dl4j;

/**
 * {@link HostKernels} in plain Java with {@link HostMath}'s arithmetic {@code exp} and {@code log1p}, giving the
 * same bits as {@link SkipGramScalar}'s per-element methods (each element goes through the same steps in the same
 * order). The work on a chunk is split into loops of one kind each: the loops of pure arithmetic (the exponential's
 * reduction and polynomial, the {@code log1p} polynomial, the sigmoid's division), which C2 vectorizes by itself,
 * apart from the loop that reads exponent bits and the loop of per-element choices ({@link SkipGramScalar#lossOf},
 * {@link SkipGramScalar#gradientOf}), which it does not. The exponential is computed once per element also when
 * both the loss and the gradient are asked for. Used without the vector module, and for the tails of
 * {@link VectorKernels}.
 */
final class ScalarKernels implements HostKernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public void compute(double[] x, double[] y, double[] scale, int n, SkipGramKernels.KernelParams p, double[] loss,
                        double[] grad, double[] work) {
        compute(x, y, scale, 0, n, p, loss, grad, work);
    }

    /**
     * Elements [from, to) of the arrays, each by {@link SkipGramScalar}'s per-element formulas; {@code work} holds
     * at least {@code to} elements (overwritten in [from, to)).
     */
    static void compute(double[] x, double[] y, double[] scale, int from, int to, SkipGramKernels.KernelParams p,
                        double[] loss, double[] grad, double[] work) {
        if (from >= to || (loss == null && grad == null)) {
            return;
        }
        double[] e = grad != null ? grad : loss;
        expNegAbs(x, from, to, work, e);
        if (loss != null) {
            for (int k = from; k < to; k++) {
                loss[k] = HostMath.log1pUnit(e[k]);
            }
            if (p.clamped()) {
                for (int k = from; k < to; k++) {
                    loss[k] = SkipGramScalar.lossOfClamped(x[k], y[k], scale == null ? 1.0 : scale[k], loss[k], p);
                }
            } else {
                for (int k = from; k < to; k++) {
                    loss[k] = SkipGramScalar.lossOfExact(x[k], y[k], scale == null ? 1.0 : scale[k], loss[k], p);
                }
            }
            lossOfOthers(x, y, scale, from, to, p, loss);
        }
        if (grad != null) {
            for (int k = from; k < to; k++) {
                work[k] = 1 / (1 + e[k]);
            }
            for (int k = from; k < to; k++) {
                grad[k] = SkipGramScalar.gradientOf(x[k], y[k], scale == null ? 1.0 : scale[k], e[k], work[k], p);
            }
        }
    }

    /**
     * Replaces the loss of the logits that are not {@link SkipGramScalar#ordinary} (NaN, infinite, near overflow),
     * computed by {@link SkipGramScalar#lossOfOrdinary}, with {@link SkipGramScalar#loss}'s.
     */
    static void lossOfOthers(double[] x, double[] y, double[] scale, int from, int to, SkipGramKernels.KernelParams p,
                             double[] loss) {
        for (int k = from; k < to; k++) {
            if (!SkipGramScalar.ordinary(x[k])) {
                loss[k] = SkipGramScalar.loss(x[k], y[k], scale == null ? 1.0 : scale[k], p);
            }
        }
    }

    /** {@code out[k] = exp(-|x[k]|)} by {@link HostMath}'s steps, {@code work} holding the indices. */
    private static void expNegAbs(double[] x, int from, int to, double[] work, double[] out) {
        for (int k = from; k < to; k++) {
            out[k] = HostMath.expArgument(Math.abs(x[k]));
        }
        for (int k = from; k < to; k++) {
            work[k] = HostMath.expIndex(out[k]);
        }
        for (int k = from; k < to; k++) {
            out[k] = HostMath.expMantissa(out[k], work[k]);
        }
        for (int k = from; k < to; k++) {
            out[k] = HostMath.expScale(out[k], work[k]);
        }
    }
}

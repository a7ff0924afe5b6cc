package org.stableloss.dl4j;

/**
 * {@link HostKernels} in plain Java, one element at a time through {@link SkipGramScalar}: {@code Math.exp} and
 * {@code Math.log} (both intrinsics), with {@code log1p(e) = log(u) - ((u - 1) - e) / u}, {@code u = 1 + e} (the
 * first-order correction of the rounding of {@code u}, accurate to about 1 ulp). Used for the tails of {@link VectorKernels} and, without the vector module,
 * for small calls.
 */
final class ScalarKernels implements HostKernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public void compute(double[] x, double[] y, double[] scale, int n, SkipGramKernels.KernelParams p, double[] loss,
                        double[] grad) {
        compute(x, y, scale, 0, n, p, loss, grad);
    }

    /** Elements [from, to) of the arrays, each by {@link SkipGramScalar}'s per-element formulas. */
    static void compute(double[] x, double[] y, double[] scale, int from, int to, SkipGramKernels.KernelParams p,
                        double[] loss, double[] grad) {
        if (loss != null) {
            for (int k = from; k < to; k++) {
                loss[k] = SkipGramScalar.loss(x[k], y[k], scale == null ? 1.0 : scale[k], p);
            }
        }
        if (grad != null) {
            for (int k = from; k < to; k++) {
                grad[k] = SkipGramScalar.gradient(x[k], y[k], scale == null ? 1.0 : scale[k], p);
            }
        }
    }
}

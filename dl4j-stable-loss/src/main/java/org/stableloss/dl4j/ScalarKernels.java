package org.stableloss.dl4j;

/**
 * {@link HostKernels} in plain Java: {@code Math.exp} and {@code Math.log} (both intrinsics), with
 * {@code log1p(e) = log(u) - ((u - 1) - e) / u}, {@code u = 1 + e} (the first-order correction of the rounding of
 * {@code u}, accurate to about 1 ulp). Used for the tails of {@link VectorKernels} and, without the vector module,
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

    /** Elements [from, to) of the arrays. */
    static void compute(double[] x, double[] y, double[] scale, int from, int to, SkipGramKernels.KernelParams p,
                        double[] loss, double[] grad) {
        double wPos = p.positiveWeight();
        double wNeg = p.negativeWeight();
        if (loss != null) {
            double lo = p.clampLow();
            double hi = p.clampHigh();
            for (int k = from; k < to; k++) {
                double s = scale == null ? 1.0 : scale[k];
                double xk = x[k];
                double a = (1 - y[k]) * wNeg * s;
                double b = y[k] * wPos * s;
                double e = Math.exp(-Math.abs(xk));
                double u = 1 + e;
                double log1p = Math.log(u) - ((u - 1) - e) / u;
                double spPos = Math.min(Math.max(Math.max(xk, 0) + log1p, lo), hi);
                double spNeg = Math.min(Math.max(Math.max(-xk, 0) + log1p, lo), hi);
                loss[k] = (a == 0 ? 0 : a * spPos) + (b == 0 ? 0 : b * spNeg);
            }
        }
        if (grad != null) {
            double clampLogit = p.clampLogit();
            for (int k = from; k < to; k++) {
                double s = scale == null ? 1.0 : scale[k];
                double xk = x[k];
                double a = (1 - y[k]) * wNeg * s;
                double b = y[k] * wPos * s;
                double ax = Math.abs(xk);
                double e = Math.exp(-ax);
                double big = 1 / (1 + e);
                double small = e * big;
                double g = xk >= 0 ? a * big - b * small : a * small - b * big;
                grad[k] = ax >= clampLogit ? 0 : g;
            }
        }
    }
}

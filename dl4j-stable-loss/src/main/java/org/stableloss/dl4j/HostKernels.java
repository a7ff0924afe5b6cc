package org.stableloss.dl4j;

/**
 * The element-wise loss and gradient of one chunk of heap arrays, in double precision: the formulas of
 * {@link SkipGramKernels} for any label in [0, 1]. Per element, with {@code e = exp(-|x|)},
 * {@code a = (1 - y) wNeg s} and {@code b = y wPos s} ({@code s} the element's scale: mask times per-output weight,
 * 1 when there are none):
 * <pre>
 *   loss = a * (max(x, 0) + log1p(e)) + b * (max(-x, 0) + log1p(e))
 *   grad = a * sigmoid(x) - b * sigmoid(-x),   sigmoid(|x|) = 1 / (1 + e),  sigmoid(-|x|) = e / (1 + e)
 * </pre>
 * A term whose weight is 0 contributes exactly 0 to the loss, also at an infinite logit. In the clamped mode each
 * softplus is clamped to [clampLow, clampHigh] and the gradient is 0 where {@code |x| >= clampLogit}.
 * Implementations compute only the outputs asked for: the gradient alone needs no {@code log1p}, the loss
 * alone no sigmoid.
 */
interface HostKernels {

    /**
     * @param x     logits, {@code n} used; not modified
     * @param y     labels in [0, 1], {@code n} used; not modified
     * @param scale per-element scale, or null for 1
     * @param n     the number of elements
     * @param p     the loss parameters
     * @param loss  per-element loss (written), or null
     * @param grad  per-element gradient (written), or null
     * @param work  scratch of at least {@code n} elements (overwritten), the caller's per-thread array
     */
    void compute(double[] x, double[] y, double[] scale, int n, SkipGramKernels.KernelParams p, double[] loss,
                 double[] grad, double[] work);
}

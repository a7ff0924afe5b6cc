package org.stableloss.dl4j;

/**
 * The loss of {@link LossSkipGram} for one logit at a time, in {@code double}: what a trainer that updates rows from
 * primitive arrays (word2vec style, one pair at a time) calls instead of an {@code INDArray} loss. The same formulas
 * as every other entry point ({@link HostKernels}); {@link ScalarKernels} evaluates its loops with these methods.
 *
 * <p>For a logit {@code x} and a label {@code y} in [0, 1], with the loss's class weights {@code wPos}, {@code wNeg}:
 * <pre>
 *   loss(x, y)     = y * wPos * softplus(-x) + (1 - y) * wNeg * softplus(x)
 *   gradient(x, y) = dloss/dx = (1 - y) * wNeg * sigmoid(x) - y * wPos * sigmoid(-x)
 * </pre>
 * with {@code softplus(x) = max(x, 0) + log1p(exp(-|x|))}, accurate to about 1 ulp of double in both tails: a
 * positive pair at {@code x = -100} has loss 100 and gradient -1, not a clamped 0. In the clamped mode each softplus
 * is clamped to {@code [-log1p(-eps), -log(eps)]} and the gradient is 0 where {@code |x| >= log((1 - eps) / eps)}.
 * A term whose weight is 0 contributes exactly 0, also at an infinite logit. NaN gives NaN.
 *
 * <p>Immutable and thread-safe; no allocation per call.
 */
public final class SkipGramScalar {

    private final SkipGramKernels.KernelParams params;

    private SkipGramScalar(SkipGramKernels.KernelParams params) {
        this.params = params;
    }

    /**
     * The per-logit form of a loss's settings (mode, eps, class weights).
     *
     * @param loss the loss; it must have no per-output weights (a single logit has no output index)
     * @return its per-logit form
     * @throws IllegalArgumentException if the loss has per-output weights
     */
    public static SkipGramScalar of(LossSkipGram loss) {
        Checks.checkArgument(loss != null, "loss: expected a LossSkipGram, got null");
        Checks.checkArgument(loss.getWeights() == null,
                "loss: expected no per-output weights (one logit has no output index), got weights of length %s",
                loss.getWeights() == null ? 0 : loss.getWeights().length());
        return new SkipGramScalar(loss.kernelParams());
    }

    /**
     * The loss of one logit.
     *
     * @param x the logit, any double
     * @param y the label in [0, 1] (1 = positive pair, 0 = negative pair); not checked
     * @return the loss, {@code >= 0}
     */
    public double loss(double x, double y) {
        return loss(x, y, 1.0, params);
    }

    /**
     * The gradient of {@link #loss} with respect to the logit.
     *
     * @param x the logit, any double
     * @param y the label in [0, 1]; not checked
     * @return {@code dloss/dx}, in {@code [-wPos, wNeg]}
     */
    public double gradient(double x, double y) {
        return gradient(x, y, 1.0, params);
    }

    /** The loss of one element scaled by {@code s} (mask times per-output weight). */
    static double loss(double x, double y, double s, SkipGramKernels.KernelParams p) {
        return lossOf(x, y, s, HostMath.log1pUnit(HostMath.expNegAbs(x)), p);
    }

    /**
     * The loss of one element from {@code log1p = log1p(exp(-|x|))} ({@link HostMath}): {@link #lossOfOrdinary} for
     * an ordinary logit, else the same formula with each zero-weight term exactly 0.
     */
    static double lossOf(double x, double y, double s, double log1p, SkipGramKernels.KernelParams p) {
        if (ordinary(x)) {
            return lossOfOrdinary(x, y, s, log1p, p);
        }
        double a = (1 - y) * p.negativeWeight() * s;
        double b = y * p.positiveWeight() * s;
        double spPos = Math.min(Math.max(Math.max(x, 0) + log1p, p.clampLow()), p.clampHigh());
        double spNeg = Math.min(Math.max(Math.max(-x, 0) + log1p, p.clampLow()), p.clampHigh());
        return (a == 0 ? 0 : a * spPos) + (b == 0 ? 0 : b * spNeg);
    }

    /**
     * True for a logit below 2^1000 in magnitude (not NaN, not infinite, not near overflow), where
     * {@link #lossOfOrdinary} applies.
     */
    static boolean ordinary(double x) {
        return Math.abs(x) < 0x1p1000;
    }

    /**
     * The loss of one element with an {@link #ordinary} logit, without a branch on the data:
     * {@code max(x, 0) = (x + |x|) / 2} exactly, both softplus values are finite and {@code >= 0}, so a zero weight
     * gives a zero term by multiplication. {@link ScalarKernels} runs {@link #lossOfExact} or {@link #lossOfClamped}
     * over a chunk (C2 vectorizes the exact one's loop) and then {@link #loss} over the chunk's other logits, which
     * gives {@link #lossOf}'s bits.
     */
    static double lossOfOrdinary(double x, double y, double s, double log1p, SkipGramKernels.KernelParams p) {
        return p.clamped() ? lossOfClamped(x, y, s, log1p, p) : lossOfExact(x, y, s, log1p, p);
    }

    /** {@link #lossOfOrdinary} in the exact mode. */
    static double lossOfExact(double x, double y, double s, double log1p, SkipGramKernels.KernelParams p) {
        double a = (1 - y) * p.negativeWeight() * s;
        double b = y * p.positiveWeight() * s;
        double ax = Math.abs(x);
        return a * ((x + ax) * 0.5 + log1p) + b * ((ax - x) * 0.5 + log1p);
    }

    /** {@link #lossOfOrdinary} in the clamped mode. */
    static double lossOfClamped(double x, double y, double s, double log1p, SkipGramKernels.KernelParams p) {
        double a = (1 - y) * p.negativeWeight() * s;
        double b = y * p.positiveWeight() * s;
        double ax = Math.abs(x);
        double spPos = clamp((x + ax) * 0.5 + log1p, p.clampLow(), p.clampHigh());
        double spNeg = clamp((ax - x) * 0.5 + log1p, p.clampLow(), p.clampHigh());
        return a * spPos + b * spNeg;
    }

    /** {@code v} clamped to [lo, hi], as selects rather than {@code Math.min}/{@code Math.max}; v is not NaN. */
    private static double clamp(double v, double lo, double hi) {
        double atLeastLo = v < lo ? lo : v;
        return atLeastLo > hi ? hi : atLeastLo;
    }

    /** The gradient of one element scaled by {@code s} (mask times per-output weight). */
    static double gradient(double x, double y, double s, SkipGramKernels.KernelParams p) {
        double e = HostMath.expNegAbs(x);
        return gradientOf(x, y, s, e, 1 / (1 + e), p);
    }

    /**
     * The gradient of one element from {@code e = exp(-|x|)} ({@link HostMath}) and {@code big = 1 / (1 + e)}, the
     * sigmoid of {@code |x|}: the step that {@link ScalarKernels} runs after its loops over the transcendental parts.
     */
    static double gradientOf(double x, double y, double s, double e, double big, SkipGramKernels.KernelParams p) {
        double a = (1 - y) * p.negativeWeight() * s;
        double b = y * p.positiveWeight() * s;
        double small = e * big;
        double g = x >= 0 ? a * big - b * small : a * small - b * big;
        return Math.abs(x) >= p.clampLogit() ? 0 : g;
    }
}

package org.stableloss.dl4j;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.comparison.CompareAndReplace;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The element-wise math of the sigmoid skip-gram loss, in one place. Every entry point of this library
 * ({@link LossSkipGram}, the SameDiff op, the samples) either calls these kernels or is tested against them.
 *
 * <p>For a logit {@code x} and a label {@code y} in [0, 1] (1 = positive pair, 0 = negative pair), with class
 * weights {@code wPos}, {@code wNeg} and a per-output weight {@code w}:
 * <pre>
 *   loss(x, y) = w * ( y * wPos * softplus(-x) + (1 - y) * wNeg * softplus(x) )
 *   dloss/dx   = w * ( (1 - y) * wNeg * sigmoid(x) - y * wPos * sigmoid(-x) )
 * </pre>
 * where {@code softplus(x) = log(1 + exp(x)) = -log(1 - sigmoid(x))} and {@code softplus(-x) = -log sigmoid(x)}.
 * Both are evaluated as {@code max(x, 0) + log1p(exp(-|x|))}, with an accurate {@code log1p}: ND4J's own
 * {@code Log1p} op is a naive {@code log(1 + e)} and loses all relative accuracy for small {@code e}.
 *
 * <p>In the clamped mode (the classic recipe {@code p = clamp(sigmoid(x), eps, 1 - eps)}, loss
 * {@code -y log p - (1 - y) log(1 - p)}) each term equals the exact term clamped to
 * {@code [-log1p(-eps), -log(eps)]}, because {@code -log} is monotone; the gradient of a term is zero where the
 * clamp is active, i.e. where {@code |x| >= log((1 - eps) / eps)}, and equal to the exact one elsewhere.
 *
 * <p>All kernels are compositions of backend-neutral ND4J element-wise ops (no host loops over elements): they run
 * unchanged on the CPU and CUDA backends. None of them writes into its inputs. All arrays must share one
 * floating-point dtype (the "working dtype"); accuracy is that of the working dtype, see {@link LossSkipGram}.
 */
final class SkipGramKernels {

    private SkipGramKernels() {
    }

    /**
     * {@code softplus(z) = log(1 + exp(z))}, evaluated as {@code max(z, 0) + log1p(e)} with {@code e = exp(-|z|)}:
     * relatively accurate in both tails ({@code exp(z)}, not 0, for very negative z; {@code z}, not +Inf, for large
     * z). Limits: softplus(-Inf) = 0, softplus(+Inf) = +Inf; NaN gives NaN.
     *
     * <p>{@code log1p(e)} for e in [0, 1] is computed as {@code log(u) - c / u} with {@code u = fl(1 + e)} and its
     * rounding error {@code c = (u - 1) - e}, both exact in floating point: the first-order correction makes it
     * accurate to about 1 ulp (for e below half an ulp of 1, u = 1, c = -e and the result is e). ND4J's own
     * {@code Log1p} op is a naive {@code log(1 + e)} and loses all relative accuracy for small e.
     *
     * @param z logits; not modified
     * @return a new array
     */
    static INDArray softplus(INDArray z) {
        INDArray e = Transforms.exp(Transforms.abs(z, true).negi(), false);
        INDArray u = e.add(1.0);
        INDArray correction = u.sub(1.0).subi(e).divi(u);
        return Transforms.log(u, false).subi(correction).addi(Transforms.relu(z, true));
    }

    /**
     * {@code sigmoid(z) = 1 / (1 + exp(-z))}, evaluated as {@code exp(min(z, 0)) / (1 + e)} with
     * {@code e = exp(-|z|)} ({@code 1 / (1 + e)} for z >= 0, {@code e / (1 + e)} for z < 0): no exponential
     * overflows, so the result underflows gradually in the tail instead of flushing to 0 (ND4J's sigmoid op does
     * where {@code exp(-z)} overflows), and is relatively accurate in both tails. Limits: sigmoid(-Inf) = 0,
     * sigmoid(+Inf) = 1; NaN gives NaN.
     *
     * @param z logits; not modified
     * @return a new array
     */
    static INDArray sigmoid(INDArray z) {
        INDArray u = Transforms.exp(Transforms.abs(z, true).negi(), false).addi(1.0);
        return Transforms.exp(Transforms.min(z, 0.0, true), false).divi(u);
    }

    /**
     * Per-element loss and/or gradient for hard labels, {@code y} in {0, 1} only.
     *
     * <p>With the sign {@code s = 1 - 2y} (exactly +-1) and {@code z = s * x} (exact), the loss of either label is
     * {@code softplus(z)} and its gradient {@code s * sigmoid(z)}; both are then scaled by the pair weight
     * {@code W = y * wPos + (1 - y) * wNeg} and the per-output weight.
     *
     * @param x logits [mb, n]; not modified
     * @param y labels [mb, n], each exactly 0 or 1; not modified
     * @param p the loss parameters, already validated against the shapes
     * @param wantLoss true to compute the loss
     * @param wantGradient true to compute the gradient
     * @return new arrays of the per-element loss and gradient, each null when not wanted
     */
    static LossAndGradient hardLabels(INDArray x, INDArray y, KernelParams p, boolean wantLoss,
                                      boolean wantGradient) {
        INDArray sign = y.mul(-2.0).addi(1.0);
        INDArray z = sign.mul(x);
        INDArray loss = wantLoss ? softplus(z) : null;
        INDArray grad = wantGradient ? sigmoid(z).muli(sign) : null;
        if (p.clamped()) {
            clampTerm(loss, grad, z, p);
        }
        if (p.positiveWeight() != 1.0 || p.negativeWeight() != 1.0) {
            INDArray pairWeight = y.mul(p.positiveWeight() - p.negativeWeight()).addi(p.negativeWeight());
            if (loss != null) {
                weighted(loss, pairWeight);
            }
            if (grad != null) {
                grad.muli(pairWeight);
            }
        }
        applyOutputWeights(loss, grad, p);
        return new LossAndGradient(loss, grad);
    }

    /**
     * Per-element loss and/or gradient for any labels in [0, 1] (soft labels included): both terms of the loss
     * are evaluated and weighted by {@code (1 - y) * wNeg} and {@code y * wPos}.
     *
     * <p>The loss is a sum of non-negative terms (no cancellation). The gradient is a difference of two terms; its
     * error is bounded relative to the larger term, so near its root {@code sigmoid(x) = y} the relative error
     * grows as the terms cancel. Callers that need relative accuracy there compute in a wider dtype.
     *
     * @param x logits [mb, n]; not modified
     * @param y labels [mb, n] in [0, 1]; not modified
     * @param p the loss parameters, already validated against the shapes
     * @param wantLoss true to compute the loss
     * @param wantGradient true to compute the gradient
     * @return new arrays of the per-element loss and gradient, each null when not wanted
     */
    static LossAndGradient softLabels(INDArray x, INDArray y, KernelParams p, boolean wantLoss,
                                      boolean wantGradient) {
        INDArray minusX = x.neg();
        INDArray weightPos = y.mul(p.positiveWeight());
        INDArray weightNeg = y.rsub(1.0).muli(p.negativeWeight());
        INDArray loss = null;
        INDArray grad = null;
        if (wantLoss) {
            INDArray lossNeg = softplus(x);
            INDArray lossPos = softplus(minusX);
            if (p.clamped()) {
                clampTerm(lossNeg, null, x, p);
                clampTerm(lossPos, null, x, p);
            }
            loss = weighted(lossNeg, weightNeg).addi(weighted(lossPos, weightPos));
        }
        if (wantGradient) {
            INDArray gradNeg = sigmoid(x);
            INDArray gradPos = sigmoid(minusX).negi();
            grad = gradNeg.muli(weightNeg).addi(gradPos.muli(weightPos));
            if (p.clamped()) {
                clampTerm(null, grad, x, p);
            }
        }
        applyOutputWeights(loss, grad, p);
        return new LossAndGradient(loss, grad);
    }

    /**
     * Clamps a term's loss to [lo, hi] in place and zeroes its gradient where the clamp is active; either may be
     * null.
     */
    private static void clampTerm(INDArray loss, INDArray grad, INDArray z, KernelParams p) {
        if (loss != null) {
            Transforms.max(loss, p.clampLow(), false);
            Transforms.min(loss, p.clampHigh(), false);
        }
        if (grad != null) {
            grad.muli(Transforms.abs(z, true).lt(p.clampLogit()).castTo(grad.dataType()));
        }
    }

    /** Multiplies loss and gradient (either may be null) by the per-output weights, if any. */
    private static void applyOutputWeights(INDArray loss, INDArray grad, KernelParams p) {
        double[] w = p.outputWeights();
        if (w == null) {
            return;
        }
        INDArray like = loss != null ? loss : grad;
        INDArray row = Nd4j.createFromArray(w).castTo(like.dataType()).reshape(1, w.length);
        if (grad != null) {
            grad.muliRowVector(row);
        }
        if (loss == null) {
            return;
        }
        if (Arrays.stream(w).allMatch(v -> v > 0)) {
            loss.muliRowVector(row);
        } else {
            weighted(loss, Nd4j.zeros(loss.dataType(), loss.shape()).addiRowVector(row));
        }
    }

    /**
     * Multiplies a loss term by its weight in place, with exactly 0 where the weight is 0: a term that does not
     * count costs nothing even where it is infinite (0 * Inf would be NaN).
     */
    private static INDArray weighted(INDArray term, INDArray weight) {
        term.muli(weight);
        Nd4j.getExecutioner().exec(new CompareAndReplace(weight, term, term, Conditions.greaterThan(0)));
        return term;
    }

    /**
     * The parameters a kernel needs.
     *
     * @param clamped       true for the clamped-sigmoid mode
     * @param clampLow      {@code -log1p(-eps)}, the smallest loss of a term in the clamped mode
     * @param clampHigh     {@code -log(eps)}, the largest loss of a term in the clamped mode
     * @param clampLogit    {@code log((1 - eps) / eps)}: the clamp is active where {@code |x| >= clampLogit}
     * @param positiveWeight {@code wPos}
     * @param negativeWeight {@code wNeg}
     * @param outputWeights per-output weights of length n, or null
     */
    record KernelParams(boolean clamped, double clampLow, double clampHigh, double clampLogit,
                        double positiveWeight, double negativeWeight, double[] outputWeights) {
    }

    /**
     * Per-element loss and gradient, both [mb, n] in the working dtype.
     *
     * @param loss     the per-element loss, or null when not computed
     * @param gradient the per-element gradient dloss/dx, or null when not computed
     */
    record LossAndGradient(INDArray loss, INDArray gradient) {
    }

    /** True for the dtypes the kernels accept. */
    static boolean isSupported(DataType dataType) {
        return dataType == DataType.FLOAT || dataType == DataType.DOUBLE
                || dataType == DataType.HALF || dataType == DataType.BFLOAT16;
    }
}

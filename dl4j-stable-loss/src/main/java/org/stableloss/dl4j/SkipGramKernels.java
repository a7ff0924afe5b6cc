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
public final class SkipGramKernels {

    private SkipGramKernels() {
    }

    /**
     * {@code softplus(z) = log(1 + exp(z))} and {@code sigmoid(z) = 1 / (1 + exp(-z))}, sharing one
     * {@code e = exp(-|z|)}:
     * <pre>
     *   softplus(z) = max(z, 0) + log1p(e)
     *   sigmoid(z)  = exp(min(z, 0)) / (1 + e)      (1 / (1 + e) for z >= 0, e / (1 + e) for z < 0)
     * </pre>
     * Both are relatively accurate in both tails: softplus is {@code exp(z)} (not 0) for very negative z and
     * {@code z} (not +Inf) for large z; sigmoid underflows gradually (no {@code exp} overflow). Limits:
     * softplus(-Inf) = 0, softplus(+Inf) = +Inf, sigmoid(-Inf) = 0, sigmoid(+Inf) = 1; NaN gives NaN.
     *
     * <p>{@code log1p(e)} for e in [0, 1] is computed as {@code log(u) - c / u} with {@code u = fl(1 + e)} and its
     * rounding error {@code c = (u - 1) - e}, both exact in floating point: the first-order correction makes it
     * accurate to about 1 ulp (for e below half an ulp of 1, u = 1, c = -e and the result is e). ND4J's own
     * {@code Log1p} op is a naive {@code log(1 + e)} and loses all relative accuracy for small e.
     *
     * @param z logits; not modified
     * @return new arrays {softplus(z), sigmoid(z)}
     */
    public static INDArray[] softplusAndSigmoid(INDArray z) {
        INDArray relu = Transforms.relu(z, true);
        INDArray e = Transforms.exp(Transforms.abs(z, true).negi(), false);
        INDArray u = e.add(1.0);
        INDArray correction = u.sub(1.0).subi(e).divi(u);
        INDArray sigmoid = Transforms.exp(Transforms.min(z, 0.0, true), false).divi(u);
        INDArray softplus = Transforms.log(u, false).subi(correction).addi(relu);
        return new INDArray[] {softplus, sigmoid};
    }

    /**
     * Per-element loss and gradient for hard labels, {@code y} in {0, 1} only, in one pass of each kernel.
     *
     * <p>With the sign {@code s = 1 - 2y} (exactly +-1) and {@code z = s * x} (exact), the loss of either label is
     * {@code softplus(z)} and its gradient {@code s * sigmoid(z)}; both are then scaled by the pair weight
     * {@code W = y * wPos + (1 - y) * wNeg} and the per-output weight.
     *
     * @param x logits [mb, n]; not modified
     * @param y labels [mb, n], each exactly 0 or 1; not modified
     * @param p the loss parameters, already validated against the shapes
     * @return new arrays of the per-element loss and gradient
     */
    static LossAndGradient hardLabels(INDArray x, INDArray y, KernelParams p) {
        INDArray sign = y.mul(-2.0).addi(1.0);
        INDArray z = sign.mul(x);
        INDArray[] terms = softplusAndSigmoid(z);
        INDArray loss = terms[0];
        INDArray grad = terms[1].muli(sign);
        if (p.clamped()) {
            clampTerm(loss, grad, z, p);
        }
        INDArray pairWeight = pairWeight(y, p);
        if (pairWeight != null) {
            weighted(loss, pairWeight);
            grad.muli(pairWeight);
        }
        applyOutputWeights(loss, grad, p);
        return new LossAndGradient(loss, grad);
    }

    /**
     * Per-element loss and gradient for any labels in [0, 1] (soft labels included): both terms of the loss are
     * evaluated and weighted by {@code (1 - y) * wNeg} and {@code y * wPos}.
     *
     * <p>The loss is a sum of non-negative terms (no cancellation). The gradient is a difference of two terms; its
     * error is bounded relative to the larger term, so near its root {@code sigmoid(x) = y} the relative error
     * grows as the terms cancel. Callers that need relative accuracy there compute in a wider dtype.
     *
     * @param x logits [mb, n]; not modified
     * @param y labels [mb, n] in [0, 1]; not modified
     * @param p the loss parameters, already validated against the shapes
     * @return new arrays of the per-element loss and gradient
     */
    static LossAndGradient softLabels(INDArray x, INDArray y, KernelParams p) {
        INDArray[] negativeTerm = softplusAndSigmoid(x);
        INDArray[] positiveTerm = softplusAndSigmoid(x.neg());
        INDArray lossNeg = negativeTerm[0];
        INDArray gradNeg = negativeTerm[1];
        INDArray lossPos = positiveTerm[0];
        INDArray gradPos = positiveTerm[1].negi();
        if (p.clamped()) {
            clampTerm(lossNeg, gradNeg, x, p);
            clampTerm(lossPos, gradPos, x, p);
        }
        INDArray weightPos = y.mul(p.positiveWeight());
        INDArray weightNeg = y.rsub(1.0).muli(p.negativeWeight());
        INDArray loss = weighted(lossNeg, weightNeg).addi(weighted(lossPos, weightPos));
        INDArray grad = gradNeg.muli(weightNeg).addi(gradPos.muli(weightPos));
        applyOutputWeights(loss, grad, p);
        return new LossAndGradient(loss, grad);
    }

    /** Clamps a term's loss to [lo, hi] in place and zeroes its gradient where the clamp is active. */
    private static void clampTerm(INDArray loss, INDArray grad, INDArray z, KernelParams p) {
        Transforms.max(loss, p.clampLow(), false);
        Transforms.min(loss, p.clampHigh(), false);
        INDArray open = Transforms.abs(z, true).lt(p.clampLogit()).castTo(grad.dataType());
        grad.muli(open);
    }

    /** {@code y * wPos + (1 - y) * wNeg} for hard labels, or null when both weights are 1. */
    private static INDArray pairWeight(INDArray y, KernelParams p) {
        if (p.positiveWeight() == 1.0 && p.negativeWeight() == 1.0) {
            return null;
        }
        return y.mul(p.positiveWeight() - p.negativeWeight()).addi(p.negativeWeight());
    }

    private static void applyOutputWeights(INDArray loss, INDArray grad, KernelParams p) {
        double[] w = p.outputWeights();
        if (w == null) {
            return;
        }
        INDArray row = Nd4j.createFromArray(w).castTo(loss.dataType()).reshape(1, w.length);
        grad.muliRowVector(row);
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
     * @param loss     the per-element loss
     * @param gradient the per-element gradient dloss/dx
     */
    record LossAndGradient(INDArray loss, INDArray gradient) {
    }

    /** True for the dtypes the kernels accept. */
    static boolean isSupported(DataType dataType) {
        return dataType == DataType.FLOAT || dataType == DataType.DOUBLE
                || dataType == DataType.HALF || dataType == DataType.BFLOAT16;
    }
}

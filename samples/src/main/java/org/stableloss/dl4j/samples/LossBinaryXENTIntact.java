package org.stableloss.dl4j.samples;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * DL4J's {@link LossBinaryXENT}, unchanged in value and gradient, except that it leaves {@code preOutput} intact.
 *
 * <p>Why the samples need it: {@code LossBinaryXENT.computeGradient} hands {@code preOutput} to
 * {@code ActivationSigmoid.backprop}, which overwrites it in place with sigmoid'(x). A {@code LossLayer} computes the
 * gradient first and the score after it, from the same (now overwritten) array, so the training score DL4J reports
 * for a {@code LossLayer} + {@code LossBinaryXENT} network is the loss of the wrong numbers. Training itself is not
 * affected (the gradient is computed before the overwrite). Passing a copy makes the reported score the true
 * LossBinaryXENT score, so the side-by-side loss curves compare like with like.
 */
public class LossBinaryXENTIntact extends LossBinaryXENT {

    private static final long serialVersionUID = 1L;

    /** LossBinaryXENT's default clipping, eps = 1e-5. */
    public LossBinaryXENTIntact() {
        super();
    }

    /** @param clipEps LossBinaryXENT's clipping of sigmoid to [eps, 1 - eps]; 0 switches clipping off */
    public LossBinaryXENTIntact(double clipEps) {
        super(clipEps);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return super.computeGradient(labels, preOutput.dup(), activationFn, mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String toString() {
        return "LossBinaryXENT(clipEps=" + getClipEps() + ")";
    }
}

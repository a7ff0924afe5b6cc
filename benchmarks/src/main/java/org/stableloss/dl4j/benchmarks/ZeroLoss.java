package org.stableloss.dl4j.benchmarks;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * A loss that does no work: score 0 and a zero gradient (one zeroed array per call, as any loss must return). A
 * training step with it is the step without a loss, the floor against which the benchmarks measure a loss's share.
 * Not a loss to train with.
 */
public final class ZeroLoss implements ILossFunction {

    private static final long serialVersionUID = 1L;

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        return 0.0;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return Nd4j.zeros(preOutput.dataType(), preOutput.size(0), 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return Nd4j.zeros(preOutput.dataType(), preOutput.shape());
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        return new Pair<>(0.0, computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "ZeroLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZeroLoss;
    }

    @Override
    public int hashCode() {
        return ZeroLoss.class.hashCode();
    }
}

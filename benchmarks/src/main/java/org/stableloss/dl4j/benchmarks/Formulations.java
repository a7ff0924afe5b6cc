package org.stableloss.dl4j.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.samediff.SkipGramSameDiff;

/**
 * The ways of computing the sigmoid skip-gram loss that the accuracy report compares: per element, the loss
 * {@code -y log sigmoid(x) - (1 - y) log(1 - sigmoid(x))} and its gradient with respect to the logit x.
 */
final class Formulations {

    private Formulations() {
    }

    /** Per-element loss and gradient, [n, 1] each, in the dtype of the inputs. */
    record Output(INDArray loss, INDArray gradient) {
    }

    /**
     * One formulation.
     *
     * @param name     its row in the table
     * @param charted  whether the chart draws it (a few, so that the lines stay readable)
     * @param portable whether LossSkipGram must take its portable ND4J path while it runs
     * @param compute  the per-element loss and gradient of a column of logits and labels
     */
    record Formulation(String name, boolean charted, boolean portable, BiFunction<INDArray, INDArray, Output> compute) {

        Output apply(INDArray x, INDArray y) {
            return compute.apply(x, y);
        }
    }

    static final double RECIPE_EPS = 1e-4;

    static List<Formulation> all() {
        return List.of(
                new Formulation("naive: -y log(sigmoid) - (1-y) log(1-sigmoid)", false, false, Formulations::naive),
                new Formulation("clamped recipe, eps 1e-4, autodiff", true, false, Formulations::clampedRecipe),
                new Formulation("DL4J LossBinaryXENT (clipEps 1e-5)", true, false,
                        lossFunction(new LossBinaryXENT(), new ActivationSigmoid())),
                new Formulation("DL4J LossBinaryXENT(0.0)", false, false,
                        lossFunction(new LossBinaryXENT(0.0), new ActivationSigmoid())),
                new Formulation("libnd4j sigm_cross_entropy_loss (sd.loss.sigmoidCrossEntropy)", true, false,
                        Formulations::libnd4j),
                new Formulation("ND4J softPlus composition", false, false, Formulations::softplusComposition),
                new Formulation("ND4J logSigmoid composition, SameDiff autodiff", false, false,
                        Formulations::logSigmoidComposition),
                new Formulation("LossSkipGram exact, CPU fast path", true, false,
                        lossFunction(new LossSkipGram(), new ActivationIdentity())),
                new Formulation("LossSkipGram exact, portable (ND4J ops)", false, true,
                        lossFunction(new LossSkipGram(), new ActivationIdentity())),
                new Formulation("LossSkipGram clamped(1e-4)", false, false,
                        lossFunction(LossSkipGram.builder().clamped(RECIPE_EPS).build(), new ActivationIdentity())),
                new Formulation("SkipGramSameDiff.loss, SameDiff autodiff", false, false,
                        Formulations::skipGramSameDiff));
    }

    /** A DL4J loss function's score array and gradient, per element. */
    private static BiFunction<INDArray, INDArray, Output> lossFunction(ILossFunction loss, IActivation activation) {
        // LossBinaryXENT writes into preOutput through the sigmoid's backprop: give each call a copy.
        return (x, y) -> new Output(loss.computeScoreArray(y, x.dup(), activation, null),
                loss.computeGradient(y, x.dup(), activation, null));
    }

    /** The textbook formula and its chain-rule gradient {@code (-y/p + (1-y)/(1-p)) * p(1-p)}. */
    private static Output naive(INDArray x, INDArray y) {
        INDArray p = Transforms.sigmoid(x, true);
        return crossEntropyOf(p, y, p.mul(p.rsub(1.0)));
    }

    /** p = clamp(sigmoid(x), eps, 1 - eps) in the dtype; gradient through the clamp (0 where it is active). */
    private static Output clampedRecipe(INDArray x, INDArray y) {
        INDArray s = Transforms.sigmoid(x, true);
        INDArray p = Transforms.min(Transforms.max(s, RECIPE_EPS, true), 1 - RECIPE_EPS, false);
        INDArray open = s.gt(RECIPE_EPS).castTo(x.dataType()).muli(s.lt(1 - RECIPE_EPS).castTo(x.dataType()));
        return crossEntropyOf(p, y, s.mul(s.rsub(1.0)).muli(open));
    }

    /** Loss -y log p - (1-y) log(1-p) and gradient (-y/p + (1-y)/(1-p)) * dpdx. */
    private static Output crossEntropyOf(INDArray p, INDArray y, INDArray dpdx) {
        INDArray oneMinusP = p.rsub(1.0);
        INDArray oneMinusY = y.rsub(1.0);
        INDArray loss = Transforms.log(p, true).muli(y).addi(Transforms.log(oneMinusP, true).muli(oneMinusY)).negi();
        INDArray dLdp = y.div(p).negi().addi(oneMinusY.div(oneMinusP));
        return new Output(loss, dLdp.muli(dpdx));
    }

    /** libnd4j's fused op: values with reduction NONE, gradient by SameDiff's backprop of the SUM reduction. */
    private static Output libnd4j(INDArray x, INDArray y) {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.var("x", x.dup());
        SDVariable labels = sd.constant("y", y);
        SDVariable perElement = sd.loss.sigmoidCrossEntropy("perElement", labels, logits, null, LossReduce.NONE, 0.0);
        SDVariable sum = sd.loss.sigmoidCrossEntropy("sum", labels, logits, null, LossReduce.SUM, 0.0);
        sd.setLossVariables(sum);
        INDArray loss = sd.output(Map.of(), "perElement").get("perElement");
        INDArray grad = sd.calculateGradients(Map.of(), "x").get("x");
        return new Output(loss.reshape(x.shape()), grad.reshape(x.shape()));
    }

    /** This project's SameDiff op: values with reduction NONE, gradient by autodiff of the SUM reduction. */
    private static Output skipGramSameDiff(INDArray x, INDArray y) {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.var("x", x.dup());
        SDVariable labels = sd.constant("y", y);
        SkipGramSameDiff.loss(sd, "perElement", logits, labels, null, LossReduce.NONE, new LossSkipGram());
        SDVariable sum = SkipGramSameDiff.loss(sd, "sum", logits, labels, null, LossReduce.SUM, new LossSkipGram());
        sd.setLossVariables(sum);
        INDArray loss = sd.output(Map.of(), "perElement").get("perElement");
        INDArray grad = sd.calculateGradients(Map.of(), "x").get("x");
        return new Output(loss.reshape(x.shape()), grad.reshape(x.shape()));
    }

    /** y softplus(-x) + (1-y) softplus(x) with ND4J's softPlus (log(1 + exp(x))); gradient sigmoid(x) - y. */
    private static Output softplusComposition(INDArray x, INDArray y) {
        INDArray loss = Transforms.softPlus(x.neg(), false).muli(y)
                .addi(Transforms.softPlus(x, true).muli(y.rsub(1.0)));
        return new Output(loss, Transforms.sigmoid(x, true).subi(y));
    }

    /** -(y logSigmoid(x) + (1-y) logSigmoid(-x)) in SameDiff; gradient by autodiff. */
    private static Output logSigmoidComposition(INDArray x, INDArray y) {
        SameDiff sd = SameDiff.create();
        SDVariable logits = sd.var("x", x.dup());
        SDVariable labels = sd.constant("y", y);
        SDVariable perElement = sd.nn.logSigmoid(logits).mul(labels)
                .add(sd.nn.logSigmoid(logits.neg()).mul(labels.rsub(1.0))).neg().rename("perElement");
        SDVariable sum = perElement.sum("sum");
        sd.setLossVariables(sum);
        INDArray loss = sd.output(Map.of(), "perElement").get("perElement");
        INDArray grad = sd.calculateGradients(Map.of(), "x").get("x");
        return new Output(loss, grad);
    }
}

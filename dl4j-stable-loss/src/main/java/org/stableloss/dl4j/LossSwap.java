package org.stableloss.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves an existing network from DL4J's {@link LossBinaryXENT} to {@link LossSkipGram} in one call, e.g. right after
 * {@code ModelSerializer.restoreMultiLayerNetwork(file, true)}.
 *
 * <p>Each method returns a <em>new</em> network whose output layers ({@code OutputLayer}, {@code RnnOutputLayer},
 * {@code CenterLossOutputLayer}, {@code LossLayer}, {@code RnnLossLayer}, {@code CnnLossLayer},
 * {@code Cnn3DLossLayer}; in a graph: the network outputs) that use {@code LossBinaryXENT} use {@code LossSkipGram}
 * instead, and is otherwise the same network:
 * <ul>
 *   <li>configuration (a deep copy through DL4J's JSON), activations included: a SIGMOID output layer stays SIGMOID,
 *       so {@code output()} returns the same probabilities, bit for bit; LossSkipGram fuses the sigmoid and reads
 *       the layer's pre-activation as the logit;</li>
 *   <li>parameters and updater state (copies), iteration and epoch counts.</li>
 * </ul>
 * The replacement loss is the exact mode with pair weights 1, or built from a template (mode, eps, pair weights,
 * per-output weights); {@code LossBinaryXENT}'s per-output weights are carried over. Its clipping epsilon is not:
 * LossSkipGram needs none. Listeners are not copied (they usually hold per-network state): add them to the new
 * network. Other layers, other losses and the input network are left untouched.
 *
 * <p>Scores and gradients change only where {@code LossBinaryXENT} saturates or clips (|logit| above ~11 in
 * float32); see {@code docs/migrating.md}.
 *
 * <p>Stateless; the methods are safe to call from several threads as long as the input network is not being
 * trained at the same time.
 */
public final class LossSwap {

    private static final Logger log = LoggerFactory.getLogger(LossSwap.class);

    private LossSwap() {
    }

    /**
     * {@link #replaceBinaryXent(MultiLayerNetwork, LossSkipGram)} with the exact mode and pair weights 1.
     *
     * @param net an initialised network; not modified
     * @return a new, initialised network with copies of the parameters, updater state and counters
     * @throws IllegalArgumentException as {@link #replaceBinaryXent(MultiLayerNetwork, LossSkipGram)}
     */
    public static MultiLayerNetwork replaceBinaryXent(MultiLayerNetwork net) {
        return replaceBinaryXent(net, new LossSkipGram());
    }

    /**
     * {@link #replaceBinaryXent(ComputationGraph, LossSkipGram)} with the exact mode and pair weights 1.
     *
     * @param net an initialised graph; not modified
     * @return a new, initialised graph with copies of the parameters, updater state and counters
     * @throws IllegalArgumentException as {@link #replaceBinaryXent(ComputationGraph, LossSkipGram)}
     */
    public static ComputationGraph replaceBinaryXent(ComputationGraph net) {
        return replaceBinaryXent(net, new LossSkipGram());
    }

    /**
     * A copy of {@code net} whose output layer uses {@link LossSkipGram} where it used {@link LossBinaryXENT}.
     *
     * @param net      an initialised network; not modified
     * @param template mode, eps and pair weights of the replacement; its per-output weights apply where the
     *                 replaced {@code LossBinaryXENT} has none
     * @return a new, initialised network with copies of the parameters, updater state and counters
     * @throws IllegalArgumentException if an argument is null, the network is not initialised, its output layer
     *                                  does not use {@code LossBinaryXENT}, or that layer's activation is not
     *                                  SIGMOID or IDENTITY, or both losses carry different per-output weights (the
     *                                  message names the layer)
     */
    public static MultiLayerNetwork replaceBinaryXent(MultiLayerNetwork net, LossSkipGram template) {
        checkSwappable(net, template, "network");
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        int last = conf.getConfs().size() - 1;
        Layer outputLayer = conf.getConf(last).getLayer();
        String name = "layer " + last + (outputLayer.getLayerName() == null ? ""
                : " ('" + outputLayer.getLayerName() + "')");
        int replaced = replaceIn(outputLayer, name, template) ? 1 : 0;
        Checks.checkArgument(replaced == 1, "net has no output layer with LossBinaryXENT: its output layer %s uses"
                + " %s", name, describeLoss(outputLayer));
        MultiLayerNetwork copy = new MultiLayerNetwork(conf);
        copy.init(net.params().dup(), false);
        copyUpdaterState(net.getUpdater(false) == null ? null : net.getUpdater(false).getStateViewArray(),
                copy.getUpdater() == null ? null : copy.getUpdater().getStateViewArray());
        copy.setIterationCount(net.getIterationCount());
        copy.setEpochCount(net.getEpochCount());
        log.debug("replaced LossBinaryXENT in {} of a MultiLayerNetwork", name);
        return copy;
    }

    /**
     * A copy of {@code net} whose output layers use {@link LossSkipGram} where they used {@link LossBinaryXENT}.
     * Output layers with other losses keep them.
     *
     * @param net      an initialised graph; not modified
     * @param template as in {@link #replaceBinaryXent(MultiLayerNetwork, LossSkipGram)}
     * @return a new, initialised graph with copies of the parameters, updater state and counters
     * @throws IllegalArgumentException if an argument is null, the graph is not initialised, no network output
     *                                  uses {@code LossBinaryXENT}, or one that does has an activation other than
     *                                  SIGMOID or IDENTITY (the message names the layer)
     */
    public static ComputationGraph replaceBinaryXent(ComputationGraph net, LossSkipGram template) {
        checkSwappable(net, template, "graph");
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        Map<String, GraphVertex> vertices = conf.getVertices();
        List<String> seen = new ArrayList<>();
        int replaced = 0;
        for (String output : conf.getNetworkOutputs()) {
            GraphVertex v = vertices.get(output);
            if (v instanceof LayerVertex lv) {
                Layer layer = lv.getLayerConf().getLayer();
                seen.add("'" + output + "' (" + describeLoss(layer) + ")");
                if (replaceIn(layer, "layer '" + output + "'", template)) {
                    replaced++;
                }
            }
        }
        Checks.checkArgument(replaced > 0, "net has no output layer with LossBinaryXENT: its output layers are %s",
                seen);
        ComputationGraph copy = new ComputationGraph(conf);
        copy.init(net.params().dup(), false);
        copyUpdaterState(net.getUpdater(false) == null ? null : net.getUpdater(false).getStateViewArray(),
                copy.getUpdater() == null ? null : copy.getUpdater().getStateViewArray());
        copy.getConfiguration().setIterationCount(net.getIterationCount());
        copy.getConfiguration().setEpochCount(net.getEpochCount());
        log.debug("replaced LossBinaryXENT in {} output layer(s) of a ComputationGraph", replaced);
        return copy;
    }

    /** Both arguments given and the network initialised; {@code kind} names it in the message. */
    private static void checkSwappable(Model net, LossSkipGram template, String kind) {
        Checks.checkNotNull(net, "net");
        Checks.checkNotNull(template, "template");
        Checks.checkArgument(net.params() != null, "net must be initialised (call init()), got a %s without"
                + " parameters", kind);
    }

    /** Replaces the loss of {@code layer} if it is a LossBinaryXENT; returns whether it did. */
    private static boolean replaceIn(Layer layer, String name, LossSkipGram template) {
        ILossFunction loss = lossOf(layer);
        if (!(loss instanceof LossBinaryXENT xent)) {
            return false;
        }
        IActivation activation = ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer).getActivationFn();
        Checks.checkArgument(activation instanceof ActivationSigmoid || activation instanceof ActivationIdentity,
                "%s: LossSkipGram needs the activation SIGMOID or IDENTITY (the pre-activation is the logit),"
                        + " expected sigmoid or identity, got %s",
                name, activation);
        setLoss(layer, replacement(xent, template, name));
        return true;
    }

    private static LossSkipGram replacement(LossBinaryXENT xent, LossSkipGram template, String name) {
        LossSkipGram.Builder b = LossSkipGram.builder()
                .positiveWeight(template.getPositiveWeight())
                .negativeWeight(template.getNegativeWeight());
        if (template.getMode() == LossSkipGram.Mode.CLAMPED) {
            b.clamped(template.getEps());
        }
        INDArray xentWeights = xent.getWeights();
        INDArray templateWeights = template.getWeights();
        if (xentWeights != null && templateWeights != null) {
            Checks.checkArgument(Arrays.equals(xentWeights.castTo(DataType.DOUBLE).toDoubleVector(),
                            templateWeights.castTo(DataType.DOUBLE).toDoubleVector()),
                    "%s: LossBinaryXENT's per-output weights %s differ from the template's %s; set them in one"
                            + " place", name, xentWeights, templateWeights);
        }
        return b.weights(xentWeights != null ? xentWeights : templateWeights).build();
    }

    private static void copyUpdaterState(INDArray from, INDArray to) {
        if (from != null && to != null) {
            Checks.checkArgument(from.length() == to.length(), "updater state of %d values cannot move to a network"
                    + " expecting %d", from.length(), to.length());
            to.assign(from);
        }
    }

    private static ILossFunction lossOf(Layer layer) {
        if (layer instanceof BaseOutputLayer l) {
            return l.getLossFn();
        } else if (layer instanceof LossLayer l) {
            return l.getLossFn();
        } else if (layer instanceof RnnLossLayer l) {
            return l.getLossFn();
        } else if (layer instanceof CnnLossLayer l) {
            return l.getLossFn();
        } else if (layer instanceof Cnn3DLossLayer l) {
            return l.getLossFn();
        }
        return null;
    }

    private static void setLoss(Layer layer, ILossFunction loss) {
        if (layer instanceof BaseOutputLayer l) {
            l.setLossFn(loss);
        } else if (layer instanceof LossLayer l) {
            l.setLossFn(loss);
        } else if (layer instanceof RnnLossLayer l) {
            l.setLossFn(loss);
        } else if (layer instanceof CnnLossLayer l) {
            l.setLossFn(loss);
        } else {
            ((Cnn3DLossLayer) layer).setLossFn(loss);
        }
    }

    private static String describeLoss(Layer layer) {
        ILossFunction loss = lossOf(layer);
        return layer.getClass().getSimpleName() + (loss == null ? " without a loss" : " with " + loss.name());
    }
}

package org.stableloss.dl4j.embeddings;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts a network's embedding layers between DL4J's ({@code EmbeddingLayer}, {@code EmbeddingSequenceLayer}) and
 * the row-sparse ones ({@link RowSparseEmbeddingLayer}, {@link RowSparseEmbeddingSequenceLayer}), e.g. right after
 * {@code ModelSerializer.restoreComputationGraph(file, true)}; and back, for DL4J's gradient checks or to hand a
 * model to code that expects DL4J's layers.
 *
 * <p>Each method returns a <em>new</em>, initialised network; the input network is not modified. Kept: the
 * configuration (a deep copy through JSON) with each converted layer's name, {@code nIn}, {@code nOut}, bias,
 * activation, weight initialisation, bias updater and bias regularization (and, for sequences,
 * {@code inputLength}, {@code inferInputLength} and output format); every parameter value (the tables' values are
 * identical, whatever their layout); iteration and epoch counts. Updater state is copied for every parameter that
 * keeps its name, size and updater (the other layers', and a converted layer's bias): <b>the dense tables' optimizer
 * state (e.g. Adam's moments of the tables) is dropped</b>, the new layers' AdaGrad accumulators start at 0, and
 * converting back drops them (the dense tables' updater state then starts at 0). Listeners are not copied.
 *
 * <p>Stateless; safe from several threads as long as the input network is not being trained meanwhile.
 */
public final class EmbeddingSwap {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingSwap.class);

    private EmbeddingSwap() {
    }

    /**
     * A copy of {@code net} with every {@code EmbeddingLayer} and {@code EmbeddingSequenceLayer} replaced by the
     * row-sparse layer with the default optimizer ({@link BaseRowSparseLayer#DEFAULT_OPTIMIZER}, learning rate
     * {@value BaseRowSparseLayer#DEFAULT_LEARNING_RATE}).
     *
     * @param net an initialised graph; not modified
     * @return the converted copy
     * @throws IllegalArgumentException if {@code net} is null, not initialised, or has no DL4J embedding layer
     */
    public static ComputationGraph toRowSparse(ComputationGraph net) {
        return toRowSparse(net, BaseRowSparseLayer.DEFAULT_OPTIMIZER, BaseRowSparseLayer.DEFAULT_LEARNING_RATE);
    }

    /**
     * As {@link #toRowSparse(ComputationGraph)} with the given row optimizer and learning rate.
     *
     * @param net          an initialised graph; not modified
     * @param optimizer    the new layers' row optimizer
     * @param learningRate their learning rate, finite and &gt; 0
     * @return the converted copy
     * @throws IllegalArgumentException if {@code net} is null, not initialised, or has no DL4J embedding layer, or
     *                                  for a bad optimizer setting
     */
    public static ComputationGraph toRowSparse(ComputationGraph net, RowOptimizer optimizer, double learningRate) {
        return convert(net, l -> toRowSparse(l, optimizer, learningRate), "EmbeddingLayer or EmbeddingSequenceLayer");
    }

    /**
     * A copy of {@code net} with every {@code EmbeddingLayer} and {@code EmbeddingSequenceLayer} replaced by the
     * row-sparse layer with the default optimizer.
     *
     * @param net an initialised network; not modified
     * @return the converted copy
     * @throws IllegalArgumentException as {@link #toRowSparse(ComputationGraph)}
     */
    public static MultiLayerNetwork toRowSparse(MultiLayerNetwork net) {
        return toRowSparse(net, BaseRowSparseLayer.DEFAULT_OPTIMIZER, BaseRowSparseLayer.DEFAULT_LEARNING_RATE);
    }

    /**
     * As {@link #toRowSparse(MultiLayerNetwork)} with the given row optimizer and learning rate.
     *
     * @param net          an initialised network; not modified
     * @param optimizer    the new layers' row optimizer
     * @param learningRate their learning rate, finite and &gt; 0
     * @return the converted copy
     * @throws IllegalArgumentException as {@link #toRowSparse(ComputationGraph, RowOptimizer, double)}
     */
    public static MultiLayerNetwork toRowSparse(MultiLayerNetwork net, RowOptimizer optimizer, double learningRate) {
        return convert(net, l -> toRowSparse(l, optimizer, learningRate), "EmbeddingLayer or EmbeddingSequenceLayer");
    }

    /**
     * A copy of {@code net} with every row-sparse layer replaced by DL4J's {@code EmbeddingLayer} or
     * {@code EmbeddingSequenceLayer} (the AdaGrad state is dropped; the tables train with the network's updater).
     *
     * @param net an initialised graph; not modified
     * @return the converted copy
     * @throws IllegalArgumentException if {@code net} is null, not initialised, or has no row-sparse layer
     */
    public static ComputationGraph toDense(ComputationGraph net) {
        return convert(net, EmbeddingSwap::toDense, "row-sparse embedding layer");
    }

    /**
     * A copy of {@code net} with every row-sparse layer replaced by DL4J's embedding layers.
     *
     * @param net an initialised network; not modified
     * @return the converted copy
     * @throws IllegalArgumentException as {@link #toDense(ComputationGraph)}
     */
    public static MultiLayerNetwork toDense(MultiLayerNetwork net) {
        return convert(net, EmbeddingSwap::toDense, "row-sparse embedding layer");
    }

    private static ComputationGraph convert(ComputationGraph net, Function<Layer, Layer> swap, String what) {
        checkInitialised(net, net == null ? null : net.params());
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        int replaced = 0;
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex lv && replace(lv.getLayerConf(), swap)) {
                replaced++;
            }
        }
        BaseRowSparseLayer.checkArgument(replaced > 0, "net has no %s to convert", what);
        long n = 0;
        for (GraphVertex v : conf.getVertices().values()) {
            n += v.numParams(true);
        }
        ComputationGraph copy = new ComputationGraph(conf);
        copy.init(Nd4j.zeros(conf.getDataType(), 1, n), false);     // no random initialisation: all is copied
        for (org.deeplearning4j.nn.api.Layer layer : copy.getLayers()) {
            copyParams(net.getLayer(layer.conf().getLayer().getLayerName()), layer);
        }
        copyUpdaterState(net.getUpdater(false), copy.getUpdater());
        copy.getConfiguration().setIterationCount(net.getIterationCount());
        copy.getConfiguration().setEpochCount(net.getEpochCount());
        log.debug("converted {} embedding layer(s) of a ComputationGraph", replaced);
        return copy;
    }

    private static MultiLayerNetwork convert(MultiLayerNetwork net, Function<Layer, Layer> swap, String what) {
        checkInitialised(net, net == null ? null : net.params());
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        int replaced = 0;
        for (NeuralNetConfiguration c : conf.getConfs()) {
            if (replace(c, swap)) {
                replaced++;
            }
        }
        BaseRowSparseLayer.checkArgument(replaced > 0, "net has no %s to convert", what);
        long n = 0;
        for (NeuralNetConfiguration c : conf.getConfs()) {
            n += c.getLayer().initializer().numParams(c);
        }
        MultiLayerNetwork copy = new MultiLayerNetwork(conf);
        copy.init(Nd4j.zeros(conf.getDataType(), 1, n), false);     // no random initialisation: all is copied
        for (int i = 0; i < copy.getnLayers(); i++) {
            copyParams(net.getLayer(i), copy.getLayer(i));
        }
        copyUpdaterState(net.getUpdater(false), copy.getUpdater());
        copy.setIterationCount(net.getIterationCount());
        copy.setEpochCount(net.getEpochCount());
        log.debug("converted {} embedding layer(s) of a MultiLayerNetwork", replaced);
        return copy;
    }

    private static void checkInitialised(Object net, INDArray params) {
        BaseRowSparseLayer.checkArgument(net != null, "net must not be null");
        BaseRowSparseLayer.checkArgument(params != null, "net must be initialised (call init()), got one without"
                + " parameters");
    }

    /** Replaces the layer of {@code c} if {@code swap} converts it; returns whether it did. */
    private static boolean replace(NeuralNetConfiguration c, Function<Layer, Layer> swap) {
        Layer converted = swap.apply(c.getLayer());
        if (converted == null) {
            return false;
        }
        c.setLayer(converted);
        c.clearVariables();
        return true;
    }

    /** Every parameter the new layer shares by name with the old one, by logical value; the others stay. */
    private static void copyParams(org.deeplearning4j.nn.api.Layer from, org.deeplearning4j.nn.api.Layer to) {
        for (Map.Entry<String, INDArray> p : to.paramTable().entrySet()) {
            INDArray source = from.paramTable().get(p.getKey());
            if (source != null) {
                p.getValue().assign(source);
            }
        }
    }

    /** Where one parameter's updater state lies: {@code k} segments of its block's state, each as long as the block. */
    private record StateSlice(INDArray blockState, long blockParams, long offset, long length, int segments,
                              IUpdater updater) {

        INDArray segment(int s) {
            long from = s * blockParams + offset;
            return blockState.get(NDArrayIndex.interval(from, from + length));
        }
    }

    /**
     * Copies the updater state of each parameter that keeps its name, size and updater configuration. The updaters
     * DL4J ships (Adam, Nesterovs, RmsProp, AdaGrad, ...) hold {@code k} state arrays per block, each laid out as the
     * block's parameters; a block of another layout is left as initialised.
     */
    private static void copyUpdaterState(Updater from, Updater to) {
        if (!(from instanceof BaseMultiLayerUpdater<?> f) || !(to instanceof BaseMultiLayerUpdater<?> t)) {
            return;
        }
        Map<String, StateSlice> old = slices(f);
        for (Map.Entry<String, StateSlice> e : slices(t).entrySet()) {
            StateSlice source = old.get(e.getKey());
            StateSlice target = e.getValue();
            if (source != null && source.length() == target.length() && source.segments() == target.segments()
                    && source.updater().equals(target.updater())) {
                for (int s = 0; s < target.segments(); s++) {
                    target.segment(s).assign(source.segment(s));
                }
            }
        }
    }

    private static Map<String, StateSlice> slices(BaseMultiLayerUpdater<?> updater) {
        Map<String, StateSlice> out = new HashMap<>();
        for (UpdaterBlock b : updater.getUpdaterBlocks()) {
            long n = b.getParamOffsetEnd() - b.getParamOffsetStart();
            INDArray state = b.getUpdaterView();
            if (state == null || n == 0 || state.length() % n != 0) {
                continue;
            }
            INDArray flat = state.reshape(state.length());
            for (UpdaterBlock.ParamState p : b.getLayersAndVariablesInBlock()) {
                IUpdater u = p.getLayer().getConfig().getUpdaterByParam(p.getParamName());
                out.put(p.getLayer().getConfig().getLayerName() + "/" + p.getParamName(), new StateSlice(flat, n,
                        p.getParamOffsetStart() - b.getParamOffsetStart(),
                        p.getParamOffsetEnd() - p.getParamOffsetStart(), (int) (state.length() / n), u));
            }
        }
        return out;
    }

    /** The row-sparse counterpart of a DL4J embedding layer, or null for any other layer. */
    private static Layer toRowSparse(Layer layer, RowOptimizer optimizer, double learningRate) {
        BaseRowSparseLayer out;
        if (layer instanceof EmbeddingSequenceLayer e) {
            out = new RowSparseEmbeddingSequenceLayer.Builder().nIn(e.getNIn()).nOut(e.getNOut())
                    .hasBias(e.hasBias()).inputLength(e.getInputLength()).inferInputLength(e.isInferInputLength())
                    .outputDataFormat(e.getOutputFormat()).rowOptimizer(optimizer).rowLearningRate(learningRate)
                    .build();
        } else if (layer instanceof EmbeddingLayer e) {
            out = new RowSparseEmbeddingLayer.Builder().nIn(e.getNIn()).nOut(e.getNOut()).hasBias(e.hasBias())
                    .rowOptimizer(optimizer).rowLearningRate(learningRate).build();
        } else {
            return null;
        }
        BaseRowSparseLayer.checkArgument(layer.getIDropout() == null, "layer '%s': dropout is not supported on a"
                + " row-sparse embedding layer, got %s", layer.getLayerName(), layer.getIDropout());
        return copyCommon((BaseLayer) layer, out);
    }

    /** DL4J's counterpart of a row-sparse layer, or null for any other layer. */
    private static Layer toDense(Layer layer) {
        BaseLayer out;
        if (layer instanceof RowSparseEmbeddingSequenceLayer r) {
            out = new EmbeddingSequenceLayer.Builder().nIn(r.getNIn()).nOut(r.getNOut()).hasBias(r.hasBias())
                    .inputLength(r.getInputLength()).inferInputLength(r.isInferInputLength())
                    .outputDataFormat(r.getOutputFormat()).build();
        } else if (layer instanceof RowSparseEmbeddingLayer r) {
            out = new EmbeddingLayer.Builder().nIn(r.getNIn()).nOut(r.getNOut()).hasBias(r.hasBias()).build();
        } else {
            return null;
        }
        return copyCommon((BaseLayer) layer, out);
    }

    /** The settings both kinds share: name, activation, initialisation, bias updater and regularization. */
    private static <T extends BaseLayer> T copyCommon(BaseLayer from, T to) {
        to.setLayerName(from.getLayerName());
        to.setActivationFn(from.getActivationFn());
        to.setWeightInitFn(from.getWeightInitFn());
        to.setBiasInit(from.getBiasInit());
        to.setIUpdater(from.getIUpdater());
        to.setBiasUpdater(from.getBiasUpdater());
        to.setRegularization(from.getRegularization());
        to.setRegularizationBias(from.getRegularizationBias());
        to.setConstraints(from.getConstraints());
        return to;
    }
}

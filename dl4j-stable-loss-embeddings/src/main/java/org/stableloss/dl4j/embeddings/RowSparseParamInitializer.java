package org.stableloss.dl4j.embeddings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.embeddings.WeightInitEmbedding;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of the row-sparse embedding layers, in this order in the network's flattened parameter vector:
 * <ul>
 *   <li>{@value #WEIGHT_KEY}: the table, {@code [V, d]}, <b>row-major</b> (C order: a row's {@code d} values are
 *       contiguous; DL4J's {@code EmbeddingLayer} stores its table column-major);</li>
 *   <li>{@value #BIAS_KEY}: the bias {@code [d]} (rank 1, as DL4J's), only with {@code hasBias(true)}; trained by the network's
 *       updater, like any bias;</li>
 *   <li>{@value #ADAGRAD_KEY}: the per-row AdaGrad accumulators {@code [V, 1]}, only with
 *       {@link RowOptimizer#ADAGRAD}; start at 0.</li>
 * </ul>
 * The table is initialised as DL4J's {@code EmbeddingLayer} initialises its own (fan-in 1, fan-out d): with the same
 * weight initialisation and random seed both layers start from the same table values. For a random initialisation
 * that costs one temporary copy of the table at initialisation (DL4J draws the values column-major); an
 * {@code EmbeddingInitializer} ({@code weightInit(INDArray)}, a {@code Word2Vec}) loads the rows directly.
 */
public final class RowSparseParamInitializer implements ParamInitializer {

    /** The table's key, as in DL4J's {@code EmbeddingLayer}: {@code layer.getParam("W")} is the {@code [V, d]} table. */
    public static final String WEIGHT_KEY = "W";
    /** The bias key, as in DL4J. */
    public static final String BIAS_KEY = "b";
    /** The per-row AdaGrad accumulators' key. */
    public static final String ADAGRAD_KEY = "adagrad";

    private static final RowSparseParamInitializer INSTANCE = new RowSparseParamInitializer();

    private RowSparseParamInitializer() {
    }

    /** @return the shared, stateless instance */
    public static RowSparseParamInitializer getInstance() {
        return INSTANCE;
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        BaseRowSparseLayer l = (BaseRowSparseLayer) layer;
        return l.getNIn() * l.getNOut() + (l.hasBias() ? l.getNOut() : 0) + (hasAdaGrad(l) ? l.getNIn() : 0);
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        List<String> keys = new ArrayList<>(3);
        keys.add(WEIGHT_KEY);
        keys.addAll(biasKeys(layer));
        if (hasAdaGrad((BaseRowSparseLayer) layer)) {
            keys.add(ADAGRAD_KEY);
        }
        return keys;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.singletonList(WEIGHT_KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return ((BaseRowSparseLayer) layer).hasBias() ? Collections.singletonList(BIAS_KEY) : Collections.emptyList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        BaseRowSparseLayer l = (BaseRowSparseLayer) conf.getLayer();
        l.validate();
        Map<String, INDArray> views = split(l, paramsView);
        if (initializeParams) {
            initTable(l, views.get(WEIGHT_KEY), paramsView.reshape(paramsView.length())
                    .get(NDArrayIndex.interval(0, l.getNIn() * l.getNOut())));
            if (views.containsKey(BIAS_KEY)) {
                views.get(BIAS_KEY).assign(l.getBiasInit());
            }
            if (views.containsKey(ADAGRAD_KEY)) {
                views.get(ADAGRAD_KEY).assign(0);
            }
        }
        for (String key : views.keySet()) {
            conf.addVariable(key);
        }
        return Collections.synchronizedMap(views);
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return split((BaseRowSparseLayer) conf.getLayer(), gradientView);
    }

    /** Views of a flat parameter (or gradient) vector: table {@code [V,d]} C order, bias {@code [d]}, state {@code [V,1]}. */
    private static Map<String, INDArray> split(BaseRowSparseLayer l, INDArray flat) {
        long v = l.getNIn();
        long d = l.getNOut();
        long expected = INSTANCE.numParams(l);
        if (flat.length() != expected) {
            throw new IllegalStateException("expected a parameter view of length " + expected + " for a " + v + " x "
                    + d + " table, got " + flat.length());
        }
        INDArray f = flat.reshape(flat.length());
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(WEIGHT_KEY, f.get(NDArrayIndex.interval(0, v * d)).reshape('c', v, d));
        long offset = v * d;
        if (l.hasBias()) {
            out.put(BIAS_KEY, f.get(NDArrayIndex.interval(offset, offset + d)));
            offset += d;
        }
        if (hasAdaGrad(l)) {
            out.put(ADAGRAD_KEY, f.get(NDArrayIndex.interval(offset, offset + v)).reshape('c', v, 1));
        }
        return out;
    }

    /** Fills the table as DL4J's EmbeddingLayer would fill its own, then stores it row-major. */
    private static void initTable(BaseRowSparseLayer l, INDArray table, INDArray flatTable) {
        long[] shape = {l.getNIn(), l.getNOut()};
        IWeightInit init = l.getWeightInitFn();
        if (init instanceof WeightInitEmbedding) {
            init.init(1, l.getNOut(), shape, 'c', flatTable);     // loads the rows into a C-order view
            return;
        }
        INDArray columnMajor = init.init(1, l.getNOut(), shape, 'f', flatTable);
        INDArray rows = columnMajor.dup('c');
        table.assign(rows);
        if (rows.closeable()) {
            rows.close();
        }
    }

    static boolean hasAdaGrad(BaseRowSparseLayer l) {
        return l.getRowOptimizer() == RowOptimizer.ADAGRAD;
    }
}

package org.stableloss.dl4j.embeddings;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.embeddings.ArrayEmbeddingInitializer;
import org.deeplearning4j.nn.weights.embeddings.EmbeddingInitializer;
import org.deeplearning4j.nn.weights.embeddings.WeightInitEmbedding;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The configuration shared by {@link RowSparseEmbeddingLayer} and {@link RowSparseEmbeddingSequenceLayer}: a
 * {@code [V, d]} table ({@code nIn = V} rows, {@code nOut = d} columns) whose rows the layer trains itself, with its
 * {@link RowOptimizer}, learning rate and epsilon, while the rest of the network keeps its own updaters.
 *
 * <p>What DL4J sees: the table ({@value RowSparseParamInitializer#WEIGHT_KEY}) and the optimizer state
 * ({@value RowSparseParamInitializer#ADAGRAD_KEY}) have a {@link NoOp} updater, are not divided by the minibatch
 * size, have no regularization (l1, l2 and weight decay set on the network or the layer do not apply to them) and
 * no gradient normalization (this layer ignores {@code gradientNormalization}). The layer writes the change it
 * wants for the touched rows into its gradient view, and the training step's {@code params -= gradient} applies
 * it. The bias ({@value RowSparseParamInitializer#BIAS_KEY}, only with {@code hasBias(true)}) is an ordinary
 * parameter: the network's (or the layer's) updater, regularization and minibatch division apply to it.
 */
public abstract class BaseRowSparseLayer extends FeedForwardLayer {

    private static final long serialVersionUID = 1L;

    /** The default row optimizer. */
    public static final RowOptimizer DEFAULT_OPTIMIZER = RowOptimizer.ADAGRAD;
    /** The default learning rate of the rows (for the default optimizer, {@link RowOptimizer#ADAGRAD}). */
    public static final double DEFAULT_LEARNING_RATE = 0.1;
    /** The default AdaGrad epsilon, added to {@code sqrt(G)}. */
    public static final double DEFAULT_EPSILON = 1e-6;

    /** Whether a bias {@code [d]} is added to every output row. */
    private boolean hasBias;
    /** How the touched rows are updated. */
    private RowOptimizer rowOptimizer = DEFAULT_OPTIMIZER;
    /** The rows' learning rate. */
    private double rowLearningRate = DEFAULT_LEARNING_RATE;
    /** AdaGrad's epsilon. */
    private double rowEpsilon = DEFAULT_EPSILON;

    /** For JSON. */
    protected BaseRowSparseLayer() {
    }

    /**
     * @param b the builder's settings
     */
    protected BaseRowSparseLayer(Builder<?> b) {
        super(b);
        this.hasBias = b.hasBias;
        this.rowOptimizer = b.rowOptimizer;
        this.rowLearningRate = b.rowLearningRate;
        this.rowEpsilon = b.rowEpsilon;
        initializeConstraints(b);
    }

    /**
     * Checks the settings; called by the concrete layers' constructors and again when a network is initialised (a configuration read
     * from JSON has no builder).
     *
     * @throws IllegalArgumentException naming the setting, what was expected and what was found
     */
    void validate() {
        checkArgument(getNIn() >= 1 && getNIn() <= Integer.MAX_VALUE, "nIn (rows V) must be in [1, %d], got %d",
                Integer.MAX_VALUE, getNIn());
        checkArgument(getNOut() >= 1 && getNOut() <= Integer.MAX_VALUE, "nOut (dimension d) must be in [1, %d],"
                + " got %d", Integer.MAX_VALUE, getNOut());
        checkArgument(rowOptimizer != null, "rowOptimizer must not be null");
        checkArgument(Double.isFinite(rowLearningRate) && rowLearningRate > 0,
                "rowLearningRate must be finite and > 0, got %s", rowLearningRate);
        checkArgument(Double.isFinite(rowEpsilon) && rowEpsilon >= 0, "rowEpsilon must be finite and >= 0, got %s",
                rowEpsilon);
        checkArgument(getIDropout() == null, "dropout is not supported on an embedding layer, got %s",
                getIDropout());
        checkArgument(getWeightNoise() == null, "weight noise is not supported on a row-sparse embedding layer,"
                + " got %s", getWeightNoise());
    }

    static void checkArgument(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(format, args));
        }
    }

    /** @return whether the layer has a bias {@code [d]} added to every output row */
    public boolean hasBias() {
        return hasBias;
    }

    /** @return whether the layer has a bias (JSON property) */
    public boolean isHasBias() {
        return hasBias;
    }

    /** @param hasBias whether the layer has a bias (for JSON; prefer the builder) */
    public void setHasBias(boolean hasBias) {
        this.hasBias = hasBias;
    }

    /** @return how the touched rows are updated */
    public RowOptimizer getRowOptimizer() {
        return rowOptimizer;
    }

    /** @param rowOptimizer how the touched rows are updated (for JSON; prefer the builder) */
    public void setRowOptimizer(RowOptimizer rowOptimizer) {
        this.rowOptimizer = rowOptimizer;
    }

    /** @return the rows' learning rate */
    public double getRowLearningRate() {
        return rowLearningRate;
    }

    /** @param rowLearningRate the rows' learning rate (for JSON; prefer the builder) */
    public void setRowLearningRate(double rowLearningRate) {
        this.rowLearningRate = rowLearningRate;
    }

    /** @return AdaGrad's epsilon (unused by SGD) */
    public double getRowEpsilon() {
        return rowEpsilon;
    }

    /** @param rowEpsilon AdaGrad's epsilon (for JSON; prefer the builder) */
    public void setRowEpsilon(double rowEpsilon) {
        this.rowEpsilon = rowEpsilon;
    }

    /** True for the table and the optimizer state: the parameters the layer updates itself. */
    static boolean isRowParam(String paramName) {
        return RowSparseParamInitializer.WEIGHT_KEY.equals(paramName)
                || RowSparseParamInitializer.ADAGRAD_KEY.equals(paramName);
    }

    /** {@link NoOp} for the table and the optimizer state; the configured updater for the bias. */
    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return isRowParam(paramName) ? new NoOp() : super.getUpdaterByParam(paramName);
    }

    /** None for the table and the optimizer state; the configured regularization for the bias. */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return isRowParam(paramName) ? Collections.emptyList() : super.getRegularizationByParam(paramName);
    }

    /** Always {@link GradientNormalization#None}: a per-layer normalization would rescale the rows' updates. */
    @Override
    public GradientNormalization getGradientNormalization() {
        return GradientNormalization.None;
    }

    /**
     * Gives a new runtime layer its listeners, index, parameter view and parameters (initialised when asked): the
     * common part of both layers' {@code instantiate}.
     */
    final Layer wire(RowSparseLayerImpl<?> layer, NeuralNetConfiguration conf,
                     Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
                     boolean initializeParams) {
        layer.setListeners(trainingListeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return RowSparseParamInitializer.getInstance();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    /**
     * Keeps {@code nIn}: an input type describes the index column(s), not the number of rows, so it never sets the
     * table size (DL4J's {@code EmbeddingLayer} resets {@code nIn} to 1 there).
     */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        // nIn is the vocabulary size, set in the configuration only
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        long biasState = hasBias ? super.getUpdaterByParam(RowSparseParamInitializer.BIAS_KEY).stateSize(getNOut())
                : 0;
        return new LayerMemoryReport.Builder(getLayerName(), getClass(), inputType, outputType)
                .standardMemory(numParams, biasState)
                .workingMemory(0, 0, 0, outputType.arrayElementsPerExample())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || o.getClass() != getClass() || !super.equals(o)) {
            return false;
        }
        BaseRowSparseLayer that = (BaseRowSparseLayer) o;
        return hasBias == that.hasBias && rowOptimizer == that.rowOptimizer
                && Double.compare(rowLearningRate, that.rowLearningRate) == 0
                && Double.compare(rowEpsilon, that.rowEpsilon) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), hasBias, rowOptimizer, rowLearningRate, rowEpsilon);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(name=" + getLayerName() + ", nIn=" + getNIn() + ", nOut=" + getNOut()
                + ", hasBias=" + hasBias + ", rowOptimizer=" + rowOptimizer + ", rowLearningRate=" + rowLearningRate
                + ", rowEpsilon=" + rowEpsilon + ", activation=" + getActivationFn() + ")";
    }

    /**
     * Settings shared by both builders. Defaults: no bias, activation IDENTITY (not inherited from the network, as
     * in DL4J's embedding builders), {@link #DEFAULT_OPTIMIZER}, learning rate {@value #DEFAULT_LEARNING_RATE},
     * epsilon {@value #DEFAULT_EPSILON}; {@code nIn} and {@code nOut} must be set.
     *
     * @param <T> the concrete builder
     */
    public abstract static class Builder<T extends Builder<T>> extends FeedForwardLayer.Builder<T> {

        private boolean hasBias;
        private RowOptimizer rowOptimizer = DEFAULT_OPTIMIZER;
        private double rowLearningRate = DEFAULT_LEARNING_RATE;
        private double rowEpsilon = DEFAULT_EPSILON;

        /** A builder with the defaults (activation IDENTITY). */
        protected Builder() {
            this.activationFn = new ActivationIdentity();
        }

        /**
         * @param hasBias true to add a bias {@code [d]} to every output row (trained by the network's updater);
         *                default false
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public T hasBias(boolean hasBias) {
            this.hasBias = hasBias;
            return (T) this;
        }

        /**
         * @param rowOptimizer how the touched rows are updated; default {@link BaseRowSparseLayer#DEFAULT_OPTIMIZER}
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public T rowOptimizer(RowOptimizer rowOptimizer) {
            this.rowOptimizer = rowOptimizer;
            return (T) this;
        }

        /**
         * @param rowLearningRate the rows' learning rate, finite and &gt; 0; default
         *                        {@value BaseRowSparseLayer#DEFAULT_LEARNING_RATE}
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public T rowLearningRate(double rowLearningRate) {
            this.rowLearningRate = rowLearningRate;
            return (T) this;
        }

        /**
         * @param rowEpsilon AdaGrad's epsilon, finite and &gt;= 0; default {@value BaseRowSparseLayer#DEFAULT_EPSILON}
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public T rowEpsilon(double rowEpsilon) {
            this.rowEpsilon = rowEpsilon;
            return (T) this;
        }

        @Override
        public T weightInit(IWeightInit weightInit) {
            if (weightInit instanceof WeightInitEmbedding w && w.shape() != null) {
                nIn(w.shape()[0]);
                nOut(w.shape()[1]);
            }
            return super.weightInit(weightInit);
        }

        /**
         * Initial table from an {@code EmbeddingInitializer} (e.g. a trained {@code Word2Vec}); sets nIn and nOut.
         *
         * @param embeddingInitializer the source of the rows
         * @return this builder
         */
        public T weightInit(EmbeddingInitializer embeddingInitializer) {
            return weightInit(new WeightInitEmbedding(embeddingInitializer));
        }

        /**
         * Initial table from an array {@code [V, d]} (copied at initialisation); sets nIn and nOut.
         *
         * @param vectors the initial rows
         * @return this builder
         */
        public T weightInit(INDArray vectors) {
            return weightInit(new ArrayEmbeddingInitializer(vectors));
        }
    }
}

package org.stableloss.dl4j.embeddings;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A drop-in for DL4J's {@code EmbeddingLayer} whose training step costs what the minibatch touches: input
 * {@code [mb, 1]} row indices (a row vector {@code [1, mb]} is read as a column; values are integers stored in any
 * numeric dtype), output {@code [mb, d]} = the rows (plus the bias, then the activation; times the mask
 * {@code [mb, 1]} if one is set), the same as {@code EmbeddingLayer} with the same parameters.
 *
 * <p>Training: the layer updates the rows the minibatch touches with its own {@link RowOptimizer} (duplicates
 * merged), and nothing else; see {@link BaseRowSparseLayer} for what DL4J's updater sees, and
 * {@code docs/large-tables.md}. The table is {@code getParam("W")}, {@code [V, d]}, row-major.
 *
 * <pre>{@code
 * new RowSparseEmbeddingLayer.Builder().nIn(numSamples).nOut(32).build()   // AdaGrad, lr 0.1, no bias, IDENTITY
 * }</pre>
 * Indices outside [0, V), NaN or non-integer values get an {@code IllegalArgumentException} naming the first one.
 * Dropout and weight noise are not supported. The configuration is a plain DL4J layer configuration (JSON,
 * {@code ModelSerializer}); a runtime layer belongs to one network.
 */
public final class RowSparseEmbeddingLayer extends BaseRowSparseLayer {

    private static final long serialVersionUID = 1L;

    /** For JSON; use the {@link Builder}. */
    public RowSparseEmbeddingLayer() {
    }

    private RowSparseEmbeddingLayer(Builder b) {
        super(b);
        validate();
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        validate();
        return wire(new RowSparseEmbeddingImpl(conf, networkDataType), conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(getNOut());
    }

    @Override
    public RowSparseEmbeddingLayer clone() {
        return (RowSparseEmbeddingLayer) super.clone();
    }

    /**
     * Builds a {@link RowSparseEmbeddingLayer}: {@code nIn} (rows V, required), {@code nOut} (dimension d,
     * required), {@code hasBias}, {@code activation}, {@code weightInit} (as DL4J's builders, including an initial
     * table), {@code rowOptimizer}, {@code rowLearningRate}, {@code rowEpsilon}; defaults in
     * {@link BaseRowSparseLayer.Builder}. {@code updater} and regularization settings apply to the bias only.
     */
    public static final class Builder extends BaseRowSparseLayer.Builder<Builder> {

        /** A builder with the defaults. */
        public Builder() {
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException for a bad setting, naming it
         */
        @Override
        @SuppressWarnings("unchecked")
        public RowSparseEmbeddingLayer build() {
            return new RowSparseEmbeddingLayer(this);
        }
    }
}

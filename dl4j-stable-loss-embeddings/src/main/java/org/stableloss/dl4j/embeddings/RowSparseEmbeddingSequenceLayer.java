package org.stableloss.dl4j.embeddings;

import java.util.Collection;
import java.util.Objects;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A drop-in for DL4J's {@code EmbeddingSequenceLayer} whose training step costs what the minibatch touches: input
 * {@code [mb, K]} (or {@code [mb, 1, K]}) row indices, output {@code [mb, d, K]} (NCW, the default) or
 * {@code [mb, K, d]} ({@code outputDataFormat(RNNFormat.NWC)}), equal to {@code EmbeddingSequenceLayer}'s on the same
 * parameters; a mask {@code [mb, K]} multiplies the output (and the gradient) as there.
 *
 * <p>{@code inputLength} is the sequence length K the configuration declares (for output types); with
 * {@code inferInputLength(true)} (the builder's default, as DL4J's) any length is accepted at run time, else a
 * different length gets an {@code IllegalArgumentException}. Everything else as {@link RowSparseEmbeddingLayer}.
 */
public final class RowSparseEmbeddingSequenceLayer extends BaseRowSparseLayer {

    private static final long serialVersionUID = 1L;

    /** The declared sequence length K. */
    private int inputLength = 1;
    /** Whether any sequence length is accepted at run time. */
    private boolean inferInputLength;
    /** The output layout. */
    private RNNFormat outputFormat = RNNFormat.NCW;

    /** For JSON; use the {@link Builder}. */
    public RowSparseEmbeddingSequenceLayer() {
    }

    private RowSparseEmbeddingSequenceLayer(Builder b) {
        super(b);
        this.inputLength = b.inputLength;
        this.inferInputLength = b.inferInputLength;
        this.outputFormat = b.outputFormat;
        validate();
    }

    @Override
    void validate() {
        super.validate();
        checkArgument(inputLength >= 1, "inputLength must be >= 1, got %d", inputLength);
        checkArgument(outputFormat != null, "outputFormat must not be null");
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        validate();
        return wire(new RowSparseEmbeddingSequenceImpl(conf, networkDataType), conf, trainingListeners, layerIndex, layerParamsView,
                initializeParams);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(getNOut(), inputLength, outputFormat);
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return inputType != null && inputType.getType() == InputType.Type.RNN ? null
                : super.getPreProcessorForInputType(inputType);
    }

    /** @return the declared sequence length K */
    public int getInputLength() {
        return inputLength;
    }

    /** @param inputLength the declared sequence length (for JSON; prefer the builder) */
    public void setInputLength(int inputLength) {
        this.inputLength = inputLength;
    }

    /** @return true when any sequence length is accepted at run time */
    public boolean isInferInputLength() {
        return inferInputLength;
    }

    /** @param inferInputLength true to accept any length (for JSON; prefer the builder) */
    public void setInferInputLength(boolean inferInputLength) {
        this.inferInputLength = inferInputLength;
    }

    /** @return the output layout, NCW ({@code [mb, d, K]}) or NWC ({@code [mb, K, d]}) */
    public RNNFormat getOutputFormat() {
        return outputFormat;
    }

    /** @param outputFormat the output layout (for JSON; prefer the builder) */
    public void setOutputFormat(RNNFormat outputFormat) {
        this.outputFormat = outputFormat;
    }

    @Override
    public RowSparseEmbeddingSequenceLayer clone() {
        return (RowSparseEmbeddingSequenceLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && o instanceof RowSparseEmbeddingSequenceLayer that
                && inputLength == that.inputLength && inferInputLength == that.inferInputLength
                && outputFormat == that.outputFormat;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), inputLength, inferInputLength, outputFormat);
    }

    @Override
    public String toString() {
        String base = super.toString();
        return base.substring(0, base.length() - 1) + ", inputLength=" + inputLength + ", inferInputLength="
                + inferInputLength + ", outputFormat=" + outputFormat + ")";
    }

    /**
     * Builds a {@link RowSparseEmbeddingSequenceLayer}: the settings of {@link RowSparseEmbeddingLayer.Builder}
     * plus {@code inputLength} (default 1), {@code inferInputLength} (default true) and {@code outputDataFormat}
     * (default NCW).
     */
    public static final class Builder extends BaseRowSparseLayer.Builder<Builder> {

        private int inputLength = 1;
        private boolean inferInputLength = true;
        private RNNFormat outputFormat = RNNFormat.NCW;

        /** A builder with the defaults. */
        public Builder() {
        }

        /**
         * @param inputLength the sequence length K, &gt;= 1
         * @return this builder
         */
        public Builder inputLength(int inputLength) {
            this.inputLength = inputLength;
            return this;
        }

        /**
         * @param inferInputLength true to accept sequences of any length at run time
         * @return this builder
         */
        public Builder inferInputLength(boolean inferInputLength) {
            this.inferInputLength = inferInputLength;
            return this;
        }

        /**
         * @param format NCW ({@code [mb, d, K]}, the default) or NWC ({@code [mb, K, d]})
         * @return this builder
         */
        public Builder outputDataFormat(RNNFormat format) {
            this.outputFormat = format;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException for a bad setting, naming it
         */
        @Override
        @SuppressWarnings("unchecked")
        public RowSparseEmbeddingSequenceLayer build() {
            return new RowSparseEmbeddingSequenceLayer(this);
        }
    }
}

package org.stableloss.dl4j.graph;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A ComputationGraph vertex (no parameters) that scores pairs by the row-wise dot product of two inputs: the logit
 * of a skip-gram model, {@code x = dot(anchor, context)}, to feed a {@code LossLayer} with
 * {@link org.stableloss.dl4j.LossSkipGram}.
 * <ul>
 *   <li>{@code anchor [mb, d]} . {@code context [mb, d]} gives {@code [mb, 1]}: {@code out[b] = sum_i a[b,i] c[b,i]};</li>
 *   <li>{@code anchor [mb, d]} . {@code contexts [mb, d, K]} (as an {@code EmbeddingSequenceLayer} produces, NCW)
 *       gives {@code [mb, K]}: {@code out[b,k] = sum_i a[b,i] c[b,i,k]}, e.g. one positive and K-1 negatives.</li>
 * </ul>
 * Contexts must be in NCW layout: an {@code EmbeddingSequenceLayer} with {@code outputDataFormat(RNNFormat.NWC)}
 * gives {@code [mb, K, d]}, which {@link #getOutputType} rejects; at run time (graphs with embedding layers are
 * built without input types) the vertex only sees shapes, so NWC contexts are rejected there only when K != d.
 * The anchor is the first input. Inputs of other ranks, or with different d or minibatch sizes, are rejected with
 * a message naming both shapes. A mask on the second input (per context, [mb, K]) passes through as the output's
 * mask, else the first input's mask does. Works in any floating-point network dtype. Empty sizes are allowed: a dot
 * product over {@code d = 0} is 0 (output zeros, gradients empty), and {@code mb = 0} or {@code K = 0} give an empty
 * output, with zero gradients for any input that is not empty itself.
 *
 * <p>Gradients: {@code dL/danchor[b,i] = sum_k eps[b,k] c[b,i,k]} and {@code dL/dc[b,i,k] = eps[b,k] a[b,i]} for
 * the upstream gradient {@code eps} (the rank-2 case with K = 1). The configuration is immutable and stateless
 * (thread-safe, equal to every other instance) and survives the ComputationGraph configuration's JSON; the
 * instantiated runtime vertex belongs to one network, like every DL4J layer.
 */
public final class DotProductVertex extends GraphVertex {

    private static final long serialVersionUID = 1L;

    /** The vertex has no configuration. */
    public DotProductVertex() {
    }

    @Override
    public DotProductVertex clone() {
        return new DotProductVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DotProductVertex;
    }

    @Override
    public int hashCode() {
        return DotProductVertex.class.getName().hashCode();
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new DotProductGraphVertex(graph, name, idx, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length != 2) {
            throw new InvalidInputTypeException("DotProductVertex takes 2 inputs (anchor, context), got "
                    + vertexInputs.length);
        }
        InputType anchor = vertexInputs[0];
        InputType context = vertexInputs[1];
        if (!(anchor instanceof InputType.InputTypeFeedForward a)) {
            throw new InvalidInputTypeException("DotProductVertex: the anchor (input 0) must be feed-forward [mb, d],"
                    + " got " + anchor);
        }
        if (context instanceof InputType.InputTypeFeedForward c) {
            checkSameSize(a.getSize(), c.getSize(), anchor, context);
            return InputType.feedForward(1);
        }
        if (context instanceof InputType.InputTypeRecurrent r) {
            if (r.getFormat() != RNNFormat.NCW) {
                throw new InvalidInputTypeException("DotProductVertex: the context (input 1) must be recurrent in NCW"
                        + " format [mb, d, K] (EmbeddingSequenceLayer's default), got " + r.getFormat() + ": "
                        + context);
            }
            checkSameSize(a.getSize(), r.getSize(), anchor, context);
            return InputType.feedForward(r.getTimeSeriesLength());
        }
        throw new InvalidInputTypeException("DotProductVertex: the context (input 1) must be feed-forward [mb, d] or"
                + " recurrent [mb, d, K], got " + context);
    }

    private static void checkSameSize(long anchorSize, long contextSize, InputType anchor, InputType context) {
        if (anchorSize != contextSize) {
            throw new InvalidInputTypeException("DotProductVertex: anchor and context must have the same size d,"
                    + " got anchor " + anchor + " and context " + context);
        }
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        long contextElements = inputTypes[1].arrayElementsPerExample();
        return new LayerMemoryReport.Builder(null, DotProductVertex.class, inputTypes[0], out)
                .standardMemory(0, 0)
                .workingMemory(0, contextElements, 0, 2 * contextElements)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public String toString() {
        return "DotProductVertex()";
    }
}

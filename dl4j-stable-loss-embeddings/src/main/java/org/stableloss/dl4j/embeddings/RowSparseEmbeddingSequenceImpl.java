package org.stableloss.dl4j.embeddings;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;

/**
 * The runtime layer of {@link RowSparseEmbeddingSequenceLayer}: input {@code [mb, K]} (or {@code [mb, 1, K]}),
 * output {@code [mb, d, K]} (NCW) or {@code [mb, K, d]} (NWC).
 */
final class RowSparseEmbeddingSequenceImpl extends RowSparseLayerImpl<RowSparseEmbeddingSequenceLayer> {

    private static final long serialVersionUID = 1L;

    RowSparseEmbeddingSequenceImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The sequence length of the current input. */
    private long length() {
        return input.rank() == 3 ? input.size(2) : input.size(1);
    }

    @Override
    int[] indices() {
        RowSparseEmbeddingSequenceLayer c = layerConf();
        if (!(input.rank() == 2 || (input.rank() == 3 && input.size(1) == 1))) {
            throw new IllegalArgumentException("input: expected row indices of shape [minibatch, length] or"
                    + " [minibatch, 1, length], got shape " + Arrays.toString(input.shape()) + " - " + layerId());
        }
        if (!c.isInferInputLength() && length() != c.getInputLength()) {
            throw new IllegalArgumentException("input: expected sequences of inputLength " + c.getInputLength()
                    + ", got shape " + Arrays.toString(input.shape()) + " - " + layerId());
        }
        return EmbeddingIndices.read(input, c.getNIn());
    }

    @Override
    long minibatch() {
        return input.size(0);
    }

    private boolean ncw() {
        return layerConf().getOutputFormat() == RNNFormat.NCW;
    }

    @Override
    INDArray toOutputShape(INDArray rows, LayerWorkspaceMgr workspaceMgr) {
        INDArray out = rows.reshape('c', input.size(0), length(), rows.size(1));
        if (ncw()) {
            out = out.permute(0, 2, 1);
        }
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out);
    }

    @Override
    INDArray toRows(INDArray outputShaped) {
        INDArray nwc = ncw() ? outputShaped.permute(0, 2, 1) : outputShaped;
        return contiguous(nwc).reshape('c', nwc.size(0) * nwc.size(1), nwc.size(2));
    }

    @Override
    void multiplyByMask(INDArray outputShaped) {
        if (maskArray == null) {
            return;
        }
        if (maskArray.rank() != 2 || maskArray.size(0) != input.size(0) || maskArray.size(1) != length()) {
            throw new IllegalArgumentException("mask: expected shape [" + input.size(0) + ", " + length()
                    + "] (one value per index), got " + Arrays.toString(maskArray.shape()) + " - " + layerId());
        }
        Broadcast.mul(outputShaped, maskArray.castTo(outputShaped.dataType()), outputShaped, 0, ncw() ? 2 : 1);
    }
}

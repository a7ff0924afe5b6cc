package org.stableloss.dl4j.embeddings;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The runtime layer of {@link RowSparseEmbeddingLayer}: input {@code [mb, 1]}, output {@code [mb, d]}. */
final class RowSparseEmbeddingImpl extends RowSparseLayerImpl<RowSparseEmbeddingLayer> {

    private static final long serialVersionUID = 1L;

    RowSparseEmbeddingImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    int[] indices() {
        if (input.rank() != 2 || (input.size(1) != 1 && input.size(0) != 1)) {
            throw new IllegalArgumentException("input: expected row indices of shape [minibatch, 1], got shape "
                    + java.util.Arrays.toString(input.shape()) + " - " + layerId());
        }
        return EmbeddingIndices.read(input, layerConf().getNIn());
    }

    @Override
    long minibatch() {
        return input.length();
    }

    @Override
    INDArray toOutputShape(INDArray rows, LayerWorkspaceMgr workspaceMgr) {
        return rows;
    }

    @Override
    INDArray toRows(INDArray outputShaped) {
        return contiguous(outputShaped);
    }

    @Override
    void multiplyByMask(INDArray outputShaped) {
        if (maskArray != null) {
            outputShaped.muliColumnVector(maskArray.castTo(outputShaped.dataType()));
        }
    }
}

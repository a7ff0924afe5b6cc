package org.stableloss.dl4j.graph;

import java.util.Arrays;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/** The runtime side of {@link DotProductVertex}. */
final class DotProductGraphVertex extends BaseGraphVertex {

    DotProductGraphVertex(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, null, null, dataType);
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("DotProductVertex '" + vertexName + "': inputs not set");
        }
        INDArray anchor = inputs[0];
        INDArray context = inputs[1];
        checkShapes(anchor, context);
        long mb = anchor.size(0);
        long k = context.rank() == 2 ? 1 : context.size(2);
        if (anchor.size(1) == 0 || mb == 0 || k == 0) {
            return zeros(workspaceMgr, ArrayType.ACTIVATIONS, anchor.dataType(), mb, k);
        }
        if (context.rank() == 2) {
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, anchor.dataType(), mb, 1);
            return out.assign(anchor.mul(context).sum(true, 1));
        }
        INDArray products = context.ulike();
        Nd4j.getExecutioner().exec(new BroadcastMulOp(context, anchor, products, 0, 1));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, anchor.dataType(), mb,
                context.size(2));
        return out.assign(products.sum(1));
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("DotProductVertex '" + vertexName + "': epsilon not set");
        }
        INDArray anchor = inputs[0];
        INDArray context = inputs[1];
        if (anchor.isEmpty() || context.isEmpty() || epsilon.isEmpty()) {
            return new Pair<>(null, new INDArray[] {
                    zeros(workspaceMgr, ArrayType.ACTIVATION_GRAD, anchor.dataType(), anchor.shape()),
                    zeros(workspaceMgr, ArrayType.ACTIVATION_GRAD, context.dataType(), context.shape())});
        }
        INDArray dAnchor = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, anchor.dataType(),
                anchor.shape());
        INDArray dContext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, context.dataType(),
                context.shape());
        if (context.rank() == 2) {
            dAnchor.assign(context.mulColumnVector(epsilon));
            dContext.assign(anchor.mulColumnVector(epsilon));
        } else {
            INDArray weighted = context.ulike();
            Nd4j.getExecutioner().exec(new BroadcastMulOp(context, epsilon, weighted, 0, 2));
            dAnchor.assign(weighted.sum(2));
            Nd4j.getExecutioner().exec(new BroadcastCopyOp(dContext, anchor, dContext, 0, 1));
            Nd4j.getExecutioner().exec(new BroadcastMulOp(dContext, epsilon, dContext, 0, 2));
        }
        return new Pair<>(null, new INDArray[] {dAnchor, dContext});
    }

    /**
     * Zeros of the shape: in the workspace of the array type, or detached when the shape is empty (an empty array
     * has no memory to place in a workspace, and ND4J refuses to allocate one there).
     */
    private static INDArray zeros(LayerWorkspaceMgr workspaceMgr, ArrayType type, DataType dataType, long... shape) {
        if (Arrays.stream(shape).anyMatch(size -> size == 0)) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.create(dataType, shape);
            }
        }
        return workspaceMgr.create(type, dataType, shape);
    }

    private void checkShapes(INDArray anchor, INDArray context) {
        boolean ranks = anchor.rank() == 2 && (context.rank() == 2 || context.rank() == 3);
        if (!ranks || anchor.size(0) != context.size(0) || anchor.size(1) != context.size(1)) {
            throw new IllegalArgumentException("DotProductVertex '" + vertexName + "': expected anchor [mb, d] and"
                    + " context [mb, d] or [mb, d, K] with the same mb and d, got anchor "
                    + Arrays.toString(anchor.shape()) + " and context " + Arrays.toString(context.shape()));
        }
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
        if (backpropGradientsViewArray != null) {
            throw new IllegalStateException("DotProductVertex has no parameters, so no gradient view");
        }
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState,
                                                           int minibatchSize) {
        if (maskArrays == null || maskArrays.length == 0) {
            return null;
        }
        INDArray mask = maskArrays.length > 1 && maskArrays[1] != null ? maskArrays[1] : maskArrays[0];
        return mask == null ? null : new Pair<>(mask, currentMaskState);
    }

    @Override
    public String toString() {
        return "DotProductVertex(id=" + getVertexIndex() + ", name=\"" + getVertexName() + "\")";
    }
}

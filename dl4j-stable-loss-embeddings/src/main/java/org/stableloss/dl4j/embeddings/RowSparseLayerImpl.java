package org.stableloss.dl4j.embeddings;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime half shared by both row-sparse layers: looks rows up, and in backprop writes the row optimizer's
 * update of the touched rows into the layer's gradient view (clearing the rows it wrote in the previous call, or the
 * whole view if something else wrote into it since, see {@link WrittenRows}), so the training step's
 * {@code params -= gradient} applies it. {@code backpropGradient} (and so
 * {@code computeGradientAndScore}) changes no parameter and no optimizer state: the step does. Returns no epsilon
 * (nothing lies below an embedding layer).
 *
 * @param <C> the configuration
 */
abstract class RowSparseLayerImpl<C extends BaseRowSparseLayer> extends BaseLayer<C> {

    private static final long serialVersionUID = 1L;

    private static final Logger log = LoggerFactory.getLogger(RowSparseLayerImpl.class);

    /** The rows whose updates the gradient view holds now, with their values; null when it holds none. */
    private transient WrittenRows writtenRows;

    RowSparseLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The row index of every looked-up row, in output row order (validated). */
    abstract int[] indices();

    /** The looked-up rows {@code [n, d]} (C order) shaped as this layer's output. */
    abstract INDArray toOutputShape(INDArray rows, LayerWorkspaceMgr workspaceMgr);

    /** The number of examples in the current input. */
    abstract long minibatch();

    /** A gradient in the output's shape as {@code [n, d]}, C order, contiguous. */
    abstract INDArray toRows(INDArray outputShaped);

    /** Multiplies {@code outputShaped} in place by the mask, if one is set. */
    abstract void multiplyByMask(INDArray outputShaped);

    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        int[] idx = indices();
        INDArray table = getParam(RowSparseParamInitializer.WEIGHT_KEY);
        INDArray rows = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, table.dataType(),
                new long[] {idx.length, table.size(1)}, 'c');
        RowKernels.gather(table, idx, rows);
        if (layerConf().hasBias()) {
            rows.addiRowVector(getParam(RowSparseParamInitializer.BIAS_KEY));
        }
        return toOutputShape(rows, workspaceMgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray out = layerConf().getActivationFn().getActivation(preOutput(training, workspaceMgr), training);
        multiplyByMask(out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray z = preOutput(true, workspaceMgr);
        INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
        multiplyByMask(delta);
        INDArray rows = toRows(delta);
        int[] idx = indices();
        C c = layerConf();
        RowKernels.Groups groups = RowKernels.Groups.of(idx);
        double divisor = conf().isMiniBatch() ? Math.max(1, minibatch()) : 1;
        boolean adaGrad = c.getRowOptimizer() == RowOptimizer.ADAGRAD;
        INDArray gradTable = gradientViews.get(RowSparseParamInitializer.WEIGHT_KEY);
        INDArray gradState = adaGrad ? gradientViews.get(RowSparseParamInitializer.ADAGRAD_KEY) : null;
        int[] toClear = writtenRows == null ? null : writtenRows.rows();
        if (writtenRows != null && !writtenRows.intact(gradTable, gradState)) {
            log.debug("{}: the gradient view changed since the last backprop (gradient sharing?): clearing all of it",
                    layerId());
            gradTable.assign(0);
            if (gradState != null) {
                gradState.assign(0);
            }
            toClear = null;
        }
        RowKernels.writeUpdates(getParam(RowSparseParamInitializer.WEIGHT_KEY),
                adaGrad ? getParam(RowSparseParamInitializer.ADAGRAD_KEY) : null, rows, groups,
                new RowKernels.Settings(c.getRowOptimizer(), c.getRowLearningRate(), c.getRowEpsilon(), divisor),
                gradTable, gradState, toClear);
        writtenRows = WrittenRows.capture(groups.rows(), gradTable, gradState);

        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(RowSparseParamInitializer.WEIGHT_KEY, gradTable);
        if (c.hasBias()) {
            INDArray gradBias = gradientViews.get(RowSparseParamInitializer.BIAS_KEY);
            rows.sum(gradBias, 0);
            gradient.gradientForVariable().put(RowSparseParamInitializer.BIAS_KEY, gradBias);
        }
        if (adaGrad) {
            gradient.gradientForVariable().put(RowSparseParamInitializer.ADAGRAD_KEY, gradState);
        }
        return new Pair<>(gradient, null);
    }

    /** The table and its optimizer state are updates written by this layer: never divided by the minibatch. */
    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !BaseRowSparseLayer.isRowParam(paramName);
    }

    /** A new gradient view holds no updates of this layer: nothing to clear in the next call. */
    @Override
    public void setBackpropGradientsViewArray(INDArray gradients) {
        super.setBackpropGradientsViewArray(gradients);
        writtenRows = null;
    }

    /** Copies a flat parameter vector in this layer's layout (table row-major, then bias, then state). */
    @Override
    public void setParams(INDArray params) {
        if (params == paramsFlattened) {
            return;
        }
        if (params.length() != numParams()) {
            throw new IllegalArgumentException("params: expected " + numParams() + " values, got " + params.length()
                    + " - " + layerId());
        }
        INDArray flat = params.reshape(params.length());
        long offset = 0;
        for (String key : this.params.keySet()) {
            INDArray p = getParam(key);
            p.assign(flat.get(NDArrayIndex.interval(offset, offset + p.length())).reshape('c', p.shape()));
            offset += p.length();
        }
    }

    @Override
    public boolean hasBias() {
        return layerConf().hasBias();
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    protected void applyDropOutIfNecessary(boolean training, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("dropout is not supported on a row-sparse embedding layer " + layerId());
    }

    /** {@code a} itself when it is a contiguous C-order array without offset, else a C-order copy. */
    static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && !a.isView() && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
    }
}

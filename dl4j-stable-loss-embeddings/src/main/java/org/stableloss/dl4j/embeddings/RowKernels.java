package org.stableloss.dl4j.embeddings;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The row-sparse layers' two kernels: gathering the rows of a minibatch, and writing the row optimizer's update of
 * the touched rows into the gradient view. Each has a CPU host path (plain Java loops over the touched rows through
 * the arrays' NIO buffers: no per-row {@code INDArray} views, no ND4J op per row) and a backend-neutral ND4J path
 * (a fixed number of {@code pullRows}/scatter ops per call, whatever the rows) used on other backends (CUDA), for
 * dtypes other than FLOAT and DOUBLE, for parameter buffers of 2 GiB or more, and when the system property
 * {@value #PROPERTY} is {@code false}. Both give the same values up to the rounding of a sum's order.
 *
 * <p>Work per call: O(n d + n log n) for n looked-up rows of dimension d, plus O(previous call's distinct rows d) to
 * clear them; nothing proportional to the number of table rows V.
 */
final class RowKernels {

    /** Set to {@code false} to force the backend-neutral ND4J path. */
    static final String PROPERTY = "org.stableloss.dl4j.embeddings.hostPath";

    private static final Logger log = LoggerFactory.getLogger(RowKernels.class);

    private RowKernels() {
    }

    private static boolean hostAllowed() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
    }

    /**
     * {@code out[i, :] = table[idx[i], :]}.
     *
     * @param table {@code [V, d]}
     * @param idx   row indices, already validated in [0, V)
     * @param out   {@code [n, d]}, C order, n = idx.length; written
     */
    static void gather(INDArray table, int[] idx, INDArray out) {
        if (idx.length == 0) {
            return;
        }
        HostArray t = hostAllowed() ? HostArray.of(table) : null;
        HostArray o = t == null ? null : HostArray.of(out);
        if (o == null || o.isFloat() != t.isFloat()) {
            Nd4j.pullRows(table, out, 1, idx);
            return;
        }
        int d = (int) table.size(1);
        double[] row = new double[d];
        float[] tmp = new float[d];
        for (int i = 0; i < idx.length; i++) {
            t.read((long) idx[i] * d, d, row, tmp);
            o.write((long) i * d, d, row, tmp);
        }
    }

    /** The distinct rows of a minibatch, sorted, and which looked-up rows belong to each. */
    record Groups(int[] rows, int[] start, int[] positions) {

        /** Groups {@code idx} by value; positions within a group keep their order. */
        static Groups of(int[] idx) {
            long[] keys = new long[idx.length];
            for (int i = 0; i < idx.length; i++) {
                keys[i] = ((long) idx[i] << 32) | i;
            }
            Arrays.sort(keys);
            int[] rows = new int[idx.length];
            int[] start = new int[idx.length + 1];
            int[] positions = new int[idx.length];
            int u = 0;
            for (int i = 0; i < keys.length; i++) {
                int row = (int) (keys[i] >>> 32);
                positions[i] = (int) keys[i];
                if (u == 0 || rows[u - 1] != row) {
                    rows[u] = row;
                    start[u] = i;
                    u++;
                }
            }
            start[u] = idx.length;
            return new Groups(Arrays.copyOf(rows, u), Arrays.copyOf(start, u + 1), positions);
        }

        int size() {
            return rows.length;
        }
    }

    /** The optimizer settings of one call. */
    record Settings(RowOptimizer optimizer, double learningRate, double epsilon, double divisor) {
    }

    /**
     * Writes the update of every touched row into the gradient views, so that {@code params -= gradient} applies
     * it, after clearing the rows written by the previous call. Reads the parameters; writes nothing else.
     * <ul>
     *   <li>{@code g = (sum of delta over the row's occurrences) / divisor};</li>
     *   <li>SGD: {@code gradTable[r] = lr * g};</li>
     *   <li>AdaGrad: {@code a = round(sum_j g_j^2 / d)}, {@code G' = round(G[r] + a)},
     *       {@code gradTable[r] = lr * g / (sqrt(G') + eps)}, {@code gradState[r] = -a} (so the step leaves
     *       exactly {@code G'} in the state, in the state's dtype).</li>
     * </ul>
     *
     * @param table     {@code [V, d]} parameters (read)
     * @param state     {@code [V, 1]} AdaGrad accumulators (read), or null for SGD
     * @param delta     {@code [n, d]} C order: dL/d(output row i)
     * @param groups    the grouping of the n looked-up rows
     * @param gradTable {@code [V, d]} gradient view of the table
     * @param gradState {@code [V, 1]} gradient view of the accumulators, or null for SGD
     * @param lastRows  rows written by the previous call (to clear), or null
     */
    static void writeUpdates(INDArray table, INDArray state, INDArray delta, Groups groups, Settings s,
                             INDArray gradTable, INDArray gradState, int[] lastRows) {
        int d = (int) table.size(1);
        boolean adaGrad = s.optimizer() == RowOptimizer.ADAGRAD;
        if (hostAllowed()) {
            HostArray t = HostArray.of(table);
            HostArray gt = HostArray.of(gradTable);
            HostArray dl = HostArray.of(delta);
            HostArray st = adaGrad ? HostArray.of(state) : null;
            HostArray gs = adaGrad ? HostArray.of(gradState) : null;
            if (t != null && gt != null && dl != null && (!adaGrad || (st != null && gs != null))) {
                host(t, st, dl, groups, s, gt, gs, lastRows, d);
                return;
            }
        }
        log.debug("row updates on the ND4J path: {} rows of {}", groups.size(), table.dataType());
        nd4j(table, state, delta, groups, s, gradTable, gradState, lastRows, d);
    }

    private static void host(HostArray table, HostArray state, HostArray delta, Groups g, Settings s,
                             HostArray gradTable, HostArray gradState, int[] lastRows, int d) {
        double[] zeros = new double[d];
        float[] floatZeros = new float[d];
        if (lastRows != null) {
            for (int r : lastRows) {
                gradTable.clear((long) r * d, d, zeros, floatZeros);
                if (gradState != null) {
                    gradState.put(r, 0);
                }
            }
        }
        double[] sum = new double[d];
        double[] row = new double[d];
        float[] tmp = new float[d];
        for (int u = 0; u < g.size(); u++) {
            Arrays.fill(sum, 0);
            for (int p = g.start()[u]; p < g.start()[u + 1]; p++) {
                delta.read((long) g.positions()[p] * d, d, row, tmp);
                for (int j = 0; j < d; j++) {
                    sum[j] += row[j];
                }
            }
            int r = g.rows()[u];
            double scale = s.learningRate() / s.divisor();
            if (state != null) {
                double squares = 0;
                for (int j = 0; j < d; j++) {
                    double gj = sum[j] / s.divisor();
                    squares += gj * gj;
                }
                double added = state.round(squares / d);
                double accumulated = state.round(state.get(r) + added);
                scale /= Math.sqrt(accumulated) + s.epsilon();
                gradState.put(r, -added);
            }
            for (int j = 0; j < d; j++) {
                sum[j] *= scale;
            }
            gradTable.write((long) r * d, d, sum, tmp);
        }
    }

    private static void nd4j(INDArray table, INDArray state, INDArray delta, Groups g, Settings s,
                             INDArray gradTable, INDArray gradState, int[] lastRows, int d) {
        if (lastRows != null && lastRows.length > 0) {
            INDArray last = Nd4j.createFromArray(lastRows);
            Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, gradTable, last,
                    Nd4j.zeros(gradTable.dataType(), lastRows.length, d), 1);
            if (gradState != null) {
                Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, gradState, last,
                        Nd4j.zeros(gradState.dataType(), lastRows.length, 1), 1);
            }
        }
        int u = g.size();
        if (u == 0) {
            return;
        }
        int[] groupOf = new int[g.positions().length];
        for (int k = 0; k < u; k++) {
            for (int p = g.start()[k]; p < g.start()[k + 1]; p++) {
                groupOf[g.positions()[p]] = k;
            }
        }
        INDArray merged = Nd4j.zeros(table.dataType(), u, d);
        Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ADD, merged, Nd4j.createFromArray(groupOf),
                delta.castTo(table.dataType()), 1);
        merged.divi(s.divisor());
        INDArray rows = Nd4j.createFromArray(g.rows());
        if (state != null) {
            INDArray added = merged.mul(merged).sum(true, 1).divi(d).castTo(state.dataType());     // [u, 1]
            INDArray accumulated = Nd4j.pullRows(state, 1, g.rows()).reshape(u, 1).addi(added);
            INDArray denominator = Transforms.sqrt(accumulated, false).addi(s.epsilon());
            merged.muli(s.learningRate()).diviColumnVector(denominator.castTo(merged.dataType()));
            Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, gradState, rows, added.negi(), 1);
        } else {
            merged.muli(s.learningRate());
        }
        Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, gradTable, rows, merged, 1);
    }
}

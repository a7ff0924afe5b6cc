package org.stableloss.dl4j.embeddings;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The rows a row-sparse layer wrote into its gradient view in its last backprop, with a copy of the values written,
 * so that the next backprop can tell whether anything else wrote into the view since. In plain {@code fit()} nothing
 * does, and clearing these rows restores an all-zero view. Gradient sharing (DL4J's
 * {@code EncodedGradientsAccumulator}) zeroes the whole view and decodes the shared updates into it before the step;
 * then the written values have changed and the layer clears its whole view instead (a pass over the table, as the
 * accumulator itself makes every step). Costs O(rows written x d) per step.
 */
final class WrittenRows {

    private final int[] rows;
    private final double[] table;
    private final double[] state;
    private final INDArray tableCopy;
    private final INDArray stateCopy;
    private final boolean allZero;

    private WrittenRows(int[] rows, double[] table, double[] state, INDArray tableCopy, INDArray stateCopy,
                        boolean allZero) {
        this.rows = rows;
        this.table = table;
        this.state = state;
        this.tableCopy = tableCopy;
        this.stateCopy = stateCopy;
        this.allZero = allZero;
    }

    /** The rows written (distinct, sorted). */
    int[] rows() {
        return rows;
    }

    /**
     * Copies the values of {@code rows} in the gradient views.
     *
     * @param rows      the rows just written
     * @param gradTable {@code [V, d]} gradient view of the table
     * @param gradState {@code [V, 1]} gradient view of the AdaGrad state, or null
     */
    static WrittenRows capture(int[] rows, INDArray gradTable, INDArray gradState) {
        int d = (int) gradTable.size(1);
        HostArray t = HostArray.of(gradTable);
        HostArray s = gradState == null ? null : HostArray.of(gradState);
        if (t != null && (gradState == null || s != null)) {
            double[] table = new double[rows.length * d];
            double[] state = gradState == null ? null : new double[rows.length];
            float[] tmp = new float[d];
            double[] row = new double[d];
            boolean zero = true;
            for (int i = 0; i < rows.length; i++) {
                t.read((long) rows[i] * d, d, row, tmp);
                System.arraycopy(row, 0, table, i * d, d);
                for (double v : row) {
                    zero &= v == 0;
                }
                if (s != null) {
                    state[i] = s.get(rows[i]);
                }
            }
            return new WrittenRows(rows, table, state, null, null, zero);
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray tableCopy = rows.length == 0 ? null : Nd4j.pullRows(gradTable, 1, rows);
            INDArray stateCopy = rows.length == 0 || gradState == null ? null : Nd4j.pullRows(gradState, 1, rows);
            boolean zero = tableCopy == null || tableCopy.amaxNumber().doubleValue() == 0;
            return new WrittenRows(rows, null, null, tableCopy, stateCopy, zero);
        }
    }

    /**
     * @return true when the views still hold exactly the values written (so clearing {@link #rows()} zeroes them);
     * false when anything changed them, or when all values written were 0 (then a foreign write cannot be told
     * apart)
     */
    boolean intact(INDArray gradTable, INDArray gradState) {
        if (rows.length == 0) {
            return false;
        }
        if (allZero) {
            return false;
        }
        int d = (int) gradTable.size(1);
        if (table != null) {
            HostArray t = HostArray.of(gradTable);
            HostArray s = gradState == null ? null : HostArray.of(gradState);
            if (t == null || (gradState != null && s == null)) {
                return false;
            }
            float[] tmp = new float[d];
            double[] row = new double[d];
            for (int i = 0; i < rows.length; i++) {
                t.read((long) rows[i] * d, d, row, tmp);
                for (int j = 0; j < d; j++) {
                    if (row[j] != table[i * d + j]) {
                        return false;
                    }
                }
                if (s != null && s.get(rows[i]) != state[i]) {
                    return false;
                }
            }
            return true;
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return tableCopy.equals(Nd4j.pullRows(gradTable, 1, rows))
                    && (stateCopy == null || stateCopy.equals(Nd4j.pullRows(gradState, 1, rows)));
        }
    }
}

package org.stableloss.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The logits of the accuracy sweep: log-spaced over +-[1e-8, 1e4], plus 0 and subnormals. */
public final class Sweep {

    private Sweep() {
    }

    /** @param perSign log-spaced points on each side of 0 */
    public static double[] logits(int perSign) {
        double[] subnormals = {Double.MIN_VALUE, 1e-310, Float.MIN_VALUE, 1e-40, 1e-44, 3e-8, 1e-7};
        double[] x = new double[2 * perSign + 1 + 2 * subnormals.length];
        int i = 0;
        for (int k = 0; k < perSign; k++) {
            double v = Math.pow(10, -8 + 12.0 * k / (perSign - 1));
            x[i++] = v;
            x[i++] = -v;
        }
        x[i++] = 0.0;
        for (double s : subnormals) {
            x[i++] = s;
            x[i++] = -s;
        }
        return x;
    }

    /** A column [n, 1] of the values rounded to the dtype. */
    public static INDArray column(double[] values, DataType dataType) {
        return Nd4j.createFromArray(values).reshape(values.length, 1).castTo(dataType);
    }

    /** The values as the dtype holds them. */
    public static double[] asHeld(INDArray column) {
        return column.castTo(DataType.DOUBLE).toDoubleVector();
    }
}

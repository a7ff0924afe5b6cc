package org.stableloss.dl4j;

import java.util.Random;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small deterministic arrays for tests, drawn from a caller's {@link Random}. */
final class TestArrays {

    private TestArrays() {
    }

    /** [rows, cols] standard normal values, DOUBLE. */
    static INDArray gaussian(Random r, int rows, int cols) {
        double[][] v = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                v[i][j] = r.nextGaussian();
            }
        }
        return Nd4j.createFromArray(v);
    }
}

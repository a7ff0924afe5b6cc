package org.stableloss.dl4j.embeddings;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Reads and validates the row indices a row-sparse embedding layer gets as input. */
final class EmbeddingIndices {

    private EmbeddingIndices() {
    }

    /**
     * The values of {@code input} in C order, as row indices.
     *
     * @param input any numeric array of indices; not modified
     * @param rows  the table's number of rows V
     * @return one int per element
     * @throws IllegalArgumentException when a value is not an integer in [0, V) (NaN included): names the first bad
     *                                  value, its position and how many are bad
     */
    static int[] read(INDArray input, long rows) {
        double[] values = input.length() == 0 ? new double[0] : input.reshape('c', new long[] {input.length()}).toDoubleVector();
        int[] out = new int[values.length];
        int bad = 0;
        int first = -1;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (v >= 0 && v < rows && v == Math.rint(v)) {
                out[i] = (int) v;
            } else {
                if (bad++ == 0) {
                    first = i;
                }
            }
        }
        if (bad > 0) {
            throw new IllegalArgumentException(String.format("indices: expected integers in [0, %d), got %s at %s"
                    + " of input %s (%d bad value%s)", rows, values[first], position(first, input.shape()),
                    Arrays.toString(input.shape()), bad, bad == 1 ? "" : "s"));
        }
        return out;
    }

    private static String position(long flat, long[] shape) {
        long[] index = new long[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        return Arrays.toString(index);
    }
}

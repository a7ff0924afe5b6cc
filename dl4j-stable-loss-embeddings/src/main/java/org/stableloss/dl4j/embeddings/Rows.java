package org.stableloss.dl4j.embeddings;

/**
 * Dot products and row updates over row-major {@code float} tables, as plain loops (C2 unrolls and vectorizes them);
 * no allocation.
 */
final class Rows {

    private Rows() {
    }

    /** The dot product of {@code a[ao, ao + n)} and {@code b[bo, bo + n)}, accumulated in float, returned as double. */
    static double dot(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** {@code y[yo, yo + n) += alpha * x[xo, xo + n)}. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    /** The squared norm of {@code x[xo, xo + n)}, accumulated in float. */
    static float squaredNorm(float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += x[xo + i] * x[xo + i];
        }
        return s;
    }
}

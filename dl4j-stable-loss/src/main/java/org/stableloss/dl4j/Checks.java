package org.stableloss.dl4j;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Guava-style preconditions whose messages name the argument, what was expected and what was found. */
final class Checks {

    private Checks() {
    }

    /** Throws IllegalArgumentException with {@code String.format(messageFormat, args)} unless {@code ok}. */
    static void checkArgument(boolean ok, String messageFormat, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(messageFormat, args));
        }
    }

    /** Throws IllegalArgumentException "{@code name} must not be null" for a null {@code value}. */
    static void checkNotNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    /** @return {@code value} if it is finite and {@code >= 0}; else throws IllegalArgumentException naming it */
    static double checkFiniteNonNegative(double value, String name) {
        checkArgument(Double.isFinite(value) && value >= 0, "%s must be finite and >= 0, got %s", name, value);
        return value;
    }

    /** "[4, 7]" for an array's shape. */
    static String shape(INDArray array) {
        return Arrays.toString(array.shape());
    }

    /** "[2, 5]" for the flat (C-order) index {@code flat} of an array of the given shape. */
    static String position(long flat, long[] shape) {
        long[] index = new long[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        return Arrays.toString(index);
    }
}

package org.stableloss.dl4j.embeddings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A CPU host view of a contiguous C-order FLOAT or DOUBLE array (a view of a larger buffer included, such as a
 * network's parameter vector): element {@code i} of the array in C order is element {@code offset + i} of the
 * underlying buffer. Reads and writes whole runs through the NIO buffer (no per-element native calls).
 */
final class HostArray {

    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final int base;

    private HostArray(FloatBuffer floats, DoubleBuffer doubles, int base) {
        this.floats = floats;
        this.doubles = doubles;
        this.base = base;
    }

    /**
     * @return a host view of {@code a}, or null where none applies: not the CPU backend, a dtype other than FLOAT or
     * DOUBLE, not contiguous in C order, or an underlying buffer of 2 GiB or more (NIO buffers are int-indexed)
     */
    static HostArray of(INDArray a) {
        DataType dt = a.dataType();
        if (!Nd4j.getEnvironment().isCPU() || (dt != DataType.FLOAT && dt != DataType.DOUBLE)
                || !(a.ordering() == 'c' || a.rank() <= 1 || isRowOrColumn(a)) || !Shape.hasDefaultStridesForShape(a)) {
            return null;
        }
        long underlying = Math.max(a.data().underlyingLength(), a.offset() + a.length());
        if (underlying * dt.width() >= Integer.MAX_VALUE) {
            return null;
        }
        ByteBuffer bytes = a.data().asNio();
        if (bytes == null || (long) bytes.capacity() < (a.offset() + a.length()) * dt.width()) {
            return null;
        }
        bytes = bytes.order(ByteOrder.nativeOrder());
        return dt == DataType.FLOAT ? new HostArray(bytes.asFloatBuffer(), null, (int) a.offset())
                : new HostArray(null, bytes.asDoubleBuffer(), (int) a.offset());
    }

    private static boolean isRowOrColumn(INDArray a) {
        return a.rank() == 2 && (a.size(0) == 1 || a.size(1) == 1);
    }

    /** True for a FLOAT array (results are rounded to float). */
    boolean isFloat() {
        return floats != null;
    }

    /** Rounds {@code v} to the array's dtype. */
    double round(double v) {
        return floats != null ? (float) v : v;
    }

    double get(long i) {
        int k = base + (int) i;
        return floats != null ? floats.get(k) : doubles.get(k);
    }

    void put(long i, double v) {
        int k = base + (int) i;
        if (floats != null) {
            floats.put(k, (float) v);
        } else {
            doubles.put(k, v);
        }
    }

    /** Copies {@code n} elements from element {@code from} into {@code dst[0..n)}; {@code tmp} holds n floats. */
    void read(long from, int n, double[] dst, float[] tmp) {
        int k = base + (int) from;
        if (floats != null) {
            floats.get(k, tmp, 0, n);
            for (int j = 0; j < n; j++) {
                dst[j] = tmp[j];
            }
        } else {
            doubles.get(k, dst, 0, n);
        }
    }

    /** Writes {@code src[0..n)}, rounded to the dtype, from element {@code from}; {@code tmp} holds n floats. */
    void write(long from, int n, double[] src, float[] tmp) {
        int k = base + (int) from;
        if (floats != null) {
            for (int j = 0; j < n; j++) {
                tmp[j] = (float) src[j];
            }
            floats.put(k, tmp, 0, n);
        } else {
            doubles.put(k, src, 0, n);
        }
    }

    /** Sets {@code n} elements from element {@code from} to 0. */
    void clear(long from, int n, double[] zeros, float[] floatZeros) {
        int k = base + (int) from;
        if (floats != null) {
            floats.put(k, floatZeros, 0, n);
        } else {
            doubles.put(k, zeros, 0, n);
        }
    }
}

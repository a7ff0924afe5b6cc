package org.stableloss.dl4j;

import org.nd4j.linalg.api.buffer.DataType;

/** Facts about a floating-point dtype, for measuring errors in ulps. */
public enum DTypes {
    DOUBLE(DataType.DOUBLE, 52, -1022),
    FLOAT(DataType.FLOAT, 23, -126),
    HALF(DataType.HALF, 10, -14),
    BFLOAT16(DataType.BFLOAT16, 7, -126);

    public final DataType dataType;
    final int mantissaBits;
    final int minExponent;

    DTypes(DataType dataType, int mantissaBits, int minExponent) {
        this.dataType = dataType;
        this.mantissaBits = mantissaBits;
        this.minExponent = minExponent;
    }

    static DTypes of(DataType dataType) {
        for (DTypes d : values()) {
            if (d.dataType == dataType) {
                return d;
            }
        }
        throw new IllegalArgumentException(dataType.toString());
    }

    public double minNormal() {
        return Math.scalb(1.0, minExponent);
    }

    /** The spacing of this dtype's numbers at |v| (that of subnormals below the normal range). */
    public double ulp(double v) {
        int exponent = Math.max(Math.getExponent(v), minExponent);
        return Math.scalb(1.0, exponent - mantissaBits);
    }

    /** |actual - expected| in ulps of this dtype at the expected value. */
    public double ulpError(double actual, double expected) {
        if (actual == expected) {
            return 0;
        }
        if (Double.isNaN(actual) || Double.isInfinite(actual) || Double.isInfinite(expected)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(actual - expected) / ulp(expected);
    }
}

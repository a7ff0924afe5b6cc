package org.stableloss.dl4j.internal;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Which dtype the loss is computed in, and whether the clamped mode's {@code eps} survives there. Not API (see the
 * package documentation).
 */
public final class Precision {

    private Precision() {
    }

    /**
     * The dtype in which the loss of arrays of {@code dataType} is computed at least: DOUBLE for DOUBLE, FLOAT for
     * FLOAT, HALF and BFLOAT16 (whose own {@code exp}/{@code log} are poor; results are rounded back once).
     *
     * @param dataType FLOAT, DOUBLE, HALF or BFLOAT16
     * @return DOUBLE or FLOAT
     * @throws IllegalArgumentException for any other dtype
     */
    public static DataType workingType(DataType dataType) {
        return switch (dataType) {
            case DOUBLE -> DataType.DOUBLE;
            case FLOAT, HALF, BFLOAT16 -> DataType.FLOAT;
            default -> throw new IllegalArgumentException(
                    "dataType must be FLOAT, DOUBLE, HALF or BFLOAT16, got " + dataType);
        };
    }

    /**
     * The largest {@code eps} for which {@code 1 - eps} rounds to 1 in a dtype (round to nearest even): half the
     * spacing of the dtype's numbers just below 1, {@code 2^-(p + 2)} for {@code p} stored mantissa bits.
     *
     * @param dataType FLOAT, DOUBLE, HALF or BFLOAT16
     * @return 2^-54 (DOUBLE), 2^-25 (FLOAT), 2^-12 (HALF), 2^-9 (BFLOAT16)
     * @throws IllegalArgumentException for any other dtype
     */
    public static double largestVanishingEps(DataType dataType) {
        int mantissaBits = switch (dataType) {
            case DOUBLE -> 52;
            case FLOAT -> 23;
            case HALF -> 10;
            case BFLOAT16 -> 7;
            default -> throw new IllegalArgumentException(
                    "dataType must be FLOAT, DOUBLE, HALF or BFLOAT16, got " + dataType);
        };
        return Math.scalb(1.0, -(mantissaBits + 2));
    }

    /**
     * Whether a clamp {@code p = clamp(sigmoid(x), eps, 1 - eps)} computed in {@code dataType} vanishes there:
     * {@code 1 - eps} rounds to 1, so the clamp would do nothing at the top.
     *
     * @param eps      the clamp, in (0, 0.5)
     * @param dataType the dtype the clamp is computed in
     * @return true when {@code eps <= }{@link #largestVanishingEps(DataType)}
     */
    public static boolean clampVanishes(double eps, DataType dataType) {
        return eps <= largestVanishingEps(dataType);
    }
}

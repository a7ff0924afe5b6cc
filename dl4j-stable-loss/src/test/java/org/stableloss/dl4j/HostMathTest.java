package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/**
 * {@link HostMath}'s arithmetic {@code exp(-|x|)} and {@code log1p(e)} against the 50-digit reference
 * ({@link HighPrecision}) over their whole domains, tails included: {@code exp} over [0, 745.5] (down through the
 * subnormals to 0), {@code log1p} over [0, 1] down to the smallest subnormal.
 */
class HostMathTest {

    private static final int POINTS = 4000;

    /** Error in ulps of the reference, or in subnormal spacings where the reference is below the normals. */
    private static double ulps(double actual, BigDecimal reference) {
        double ref = reference.doubleValue();
        double unit = Math.max(Math.ulp(ref), Double.MIN_VALUE);
        return Math.abs(new BigDecimal(actual).subtract(reference).doubleValue()) / unit;
    }

    @Test
    void expOfMinusAbsWithinOneUlpOverTheWholeRange() {
        Random r = new Random(7);
        double[] xs = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            // half uniform over [0, 745.5], half uniform in [0, 2] where the polynomial's range is crossed often
            xs[i] = i % 2 == 0 ? 745.5 * r.nextDouble() : 2 * r.nextDouble();
        }
        xs[0] = 0;
        xs[1] = 708.4; // near the last normal result
        xs[2] = 744.4; // the last subnormals
        double worst = IntStream.range(0, POINTS).parallel()
                .mapToDouble(i -> ulps(HostMath.expNegAbs(xs[i]), HighPrecision.exp(new BigDecimal(-xs[i]))))
                .max().orElseThrow();
        System.out.printf("host-math exp(-|x|) max error %.3f ulp over %d points%n", worst, POINTS);
        assertTrue(worst <= 1, "exp error " + worst + " ulp");
        assertEquals(1.0, HostMath.expNegAbs(0.0), 0.0);
        assertEquals(1.0, HostMath.expNegAbs(-0.0), 0.0);
        assertEquals(Math.exp(-1e-300), HostMath.expNegAbs(1e-300), 0.0);
    }

    @Test
    void expEdgeCases() {
        assertEquals(0.0, HostMath.expNegAbs(745.5), 0.0);
        assertEquals(0.0, HostMath.expNegAbs(746), 0.0);
        assertEquals(0.0, HostMath.expNegAbs(1e300), 0.0);
        assertEquals(0.0, HostMath.expNegAbs(Double.POSITIVE_INFINITY), 0.0);
        assertEquals(0.0, HostMath.expNegAbs(Double.NEGATIVE_INFINITY), 0.0);
        assertTrue(Double.isNaN(HostMath.expNegAbs(Double.NaN)));
        assertEquals(Double.MIN_VALUE, HostMath.expNegAbs(744.4), Double.MIN_VALUE, "the smallest subnormal");
        assertEquals(Math.exp(-700), HostMath.expNegAbs(-700), Math.ulp(Math.exp(-700)), "the sign is ignored");
    }

    @Test
    void log1pWithinTwoUlpsOverTheUnitInterval() {
        Random r = new Random(11);
        double[] es = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            // half uniform in [0, 1], half log-uniform down to the subnormals
            es[i] = i % 2 == 0 ? r.nextDouble() : Math.pow(2, -1074 * r.nextDouble());
        }
        es[0] = 1;
        es[1] = Double.MIN_VALUE;
        es[2] = Double.MIN_NORMAL;
        double worst = IntStream.range(0, POINTS).parallel()
                .mapToDouble(i -> ulps(HostMath.log1pUnit(es[i]), HighPrecision.log1p(new BigDecimal(es[i]))))
                .max().orElseThrow();
        System.out.printf("host-math log1p(e) max error %.3f ulp over %d points%n", worst, POINTS);
        assertTrue(worst <= 2, "log1p error " + worst + " ulp");
        assertEquals(0.0, HostMath.log1pUnit(0.0), 0.0);
        assertTrue(Double.isNaN(HostMath.log1pUnit(Double.NaN)));
    }
}

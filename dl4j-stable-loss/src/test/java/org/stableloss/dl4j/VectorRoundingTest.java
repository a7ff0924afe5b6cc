package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The JDK's compiled vector {@code exp} and {@code log1p}, which the vector kernels use, against {@code Math.exp} and
 * {@code Math.log1p}, which the vector API's per-lane fallback uses before the JIT compiles a loop: within 1 ulp of
 * each other on 65,536 arguments uniform in [-40, 0] (exp) and their exponentials (log1p), after a warm-up long
 * enough for C2. The lines starting with {@code vector-rounding} give how many differ (docs/performance.md,
 * "Reproducibility"); how many depends on the CPU and the JDK.
 */
class VectorRoundingTest {

    private static final int N = 1 << 16;
    private static final int WARM_UP = 300;

    @Test
    void compiledVectorExpAndLog1pAreWithinOneUlpOfMath() {
        Assumptions.assumeTrue(FastPath.vectorized(),
                "the test JVM runs without --add-modules jdk.incubator.vector");
        Random r = new Random(1);
        double[] t = new double[N];
        for (int i = 0; i < N; i++) {
            t[i] = -40 * r.nextDouble();
        }
        double[] e = new double[N];
        Lanes.apply(true, t, e);
        double[] mathE = new double[N];
        double[] mathLog1p = new double[N];
        for (int i = 0; i < N; i++) {
            mathE[i] = Math.exp(t[i]);
            mathLog1p[i] = Math.log1p(mathE[i]);
        }
        double[] log1pOfMathE = new double[N];
        Lanes.apply(false, mathE, log1pOfMathE);
        report("exp", e, mathE);
        report("log1p", log1pOfMathE, mathLog1p);
    }

    private static void report(String name, double[] vector, double[] math) {
        int differ = 0;
        double maxUlp = 0;
        for (int i = 0; i < N; i++) {
            if (vector[i] != math[i]) {
                differ++;
                maxUlp = Math.max(maxUlp, Math.abs(vector[i] - math[i]) / Math.ulp(math[i]));
            }
        }
        System.out.printf("vector-rounding %s (JDK %s, %d lanes): %d of %d arguments differ from Math.%s, by at most"
                + " %.0f ulp%n", name, Runtime.version(), Lanes.length(), differ, N, name, maxUlp);
        assertTrue(maxUlp <= 1, name + ": " + maxUlp + " ulp");
    }

    /** The vector code, in a class of its own that is only loaded when the JVM has the vector module. */
    private static final class Lanes {

        private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;

        static int length() {
            return D.length();
        }

        /**
         * {@code exp} (or {@code log1p}) of each value, computed {@value #WARM_UP} times so that the last time runs
         * C2's code.
         */
        static void apply(boolean exp, double[] in, double[] out) {
            for (int i = 0; i < WARM_UP; i++) {
                for (int k = 0; k < D.loopBound(in.length); k += D.length()) {
                    DoubleVector v = DoubleVector.fromArray(D, in, k);
                    if (exp) {
                        v.lanewise(VectorOperators.EXP).intoArray(out, k);
                    } else {
                        v.lanewise(VectorOperators.LOG1P).intoArray(out, k);
                    }
                }
            }
        }
    }
}

package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The accuracy promise of {@link LossSkipGram}: over 100k logits log-spaced over +-[1e-8, 1e4], 0 and subnormals,
 * with labels 0, 1 and soft, loss and gradient are within 2 ulp (FLOAT), 4 ulp (DOUBLE) and 1 ulp (HALF, BFLOAT16)
 * of an independent reference wherever the true value is a normal number of the dtype (and within that many
 * subnormal spacings below). The reference is 50-digit decimal arithmetic for DOUBLE and java.lang.Math in double
 * (relative error ~1e-16, far below a FLOAT ulp) for the narrower dtypes.
 */
class LossSkipGramAccuracyTest {

    private static final int PER_SIGN = 50_000;
    private static double[] grid;

    @BeforeAll
    static void makeGrid() {
        grid = Sweep.logits(PER_SIGN);
    }

    enum Labels { NEGATIVE, POSITIVE, SOFT }

    /**
     * FAST: the CPU host path as the JVM has it (vector kernels with the vector module) for FLOAT and DOUBLE;
     * SCALAR: the host path's plain Java loops (forced); PORTABLE: the ND4J path CUDA runs.
     */
    enum Path { FAST, SCALAR, PORTABLE }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Path path : Path.values()) {
            for (DTypes d : DTypes.values()) {
                if (path != Path.PORTABLE && (d == DTypes.HALF || d == DTypes.BFLOAT16)) {
                    continue; // always portable
                }
                for (Labels l : Labels.values()) {
                    cases.add(Arguments.of(path, d, l, LossSkipGram.builder().exact().build()));
                    double eps = 1e-4;
                    cases.add(Arguments.of(path, d, l, LossSkipGram.builder().clamped(eps).build()));
                }
            }
        }
        return cases.stream();
    }

    static double bound(DTypes d) {
        return switch (d) {
            case DOUBLE -> 4;
            case FLOAT -> 2;
            case HALF, BFLOAT16 -> 1;
        };
    }

    @AfterEach
    void restorePath() {
        System.clearProperty(FastPath.PROPERTY);
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void lossAndGradientWithinBound(Path path, DTypes d, Labels labelKind, LossSkipGram loss) {
        if (path != Path.FAST) {
            System.setProperty(FastPath.PROPERTY, path == Path.PORTABLE ? "false" : "scalar");
        }
        INDArray x = Sweep.column(grid, d.dataType);
        double[] xs = Sweep.asHeld(x);
        double[] ys = new double[xs.length];
        for (int i = 0; i < ys.length; i++) {
            ys[i] = switch (labelKind) {
                case NEGATIVE -> 0;
                case POSITIVE -> 1;
                case SOFT -> i % 2 == 0 ? 0.3 : 0.75;
            };
        }
        INDArray y = Sweep.column(ys, d.dataType);
        ys = Sweep.asHeld(y);
        assertEquals(path != Path.PORTABLE, FastPath.applies(y, x, null), "path taken");
        double[] lossOut = Sweep.asHeld(loss.computeScoreArray(y, x, new ActivationIdentity(), null));
        double[] gradOut = Sweep.asHeld(loss.computeGradient(y, x, new ActivationIdentity(), null));

        double[] yHeld = ys;
        Reference[] ref = IntStream.range(0, xs.length).parallel()
                .mapToObj(i -> Reference.of(xs[i], yHeld[i], loss, d == DTypes.DOUBLE))
                .toArray(Reference[]::new);

        Worst lossWorst = new Worst("loss");
        Worst gradWorst = new Worst("gradient");
        double clampLogit = Math.log1p(-loss.getEps()) - Math.log(loss.getEps());
        for (int i = 0; i < xs.length; i++) {
            if (loss.getMode() == LossSkipGram.Mode.CLAMPED
                    && Math.abs(Math.abs(xs[i]) - clampLogit) < 1e-5 * clampLogit) {
                continue; // the clamp's edge: a half-ulp shift of the threshold flips the branch
            }
            lossWorst.add(d, xs[i], ys[i], lossOut[i], ref[i].loss(), ref[i].loss());
            gradWorst.add(d, xs[i], ys[i], gradOut[i], ref[i].gradient(), ref[i].gradientScale());
        }
        double b = bound(d);
        System.out.printf("accuracy %-8s %-8s %-8s %-7s loss max %.3f ulp, gradient max %.3f ulp (%d points)%n",
                path, d, labelKind, loss.getMode(), lossWorst.ulps, gradWorst.ulps, lossWorst.checked);
        assertTrue(lossWorst.ulps <= b, lossWorst.describe(b));
        assertTrue(gradWorst.ulps <= b, gradWorst.describe(b));
        assertTrue(lossWorst.checked > 40_000 && gradWorst.checked > 40_000, "too few points checked");
    }

    /** The reference loss and gradient of one element, and the magnitude the gradient error is measured against. */
    record Reference(double loss, double gradient, double gradientScale) {

        static Reference of(double x, double y, LossSkipGram cfg, boolean decimal) {
            double spPos;
            double spNeg;
            double sigPos;
            double sigNeg;
            if (decimal) {
                HighPrecision.Terms t = HighPrecision.terms(x);
                spPos = t.softplusPos().doubleValue();
                spNeg = t.softplusNeg().doubleValue();
                sigPos = t.sigmoidPos().doubleValue();
                sigNeg = t.sigmoidNeg().doubleValue();
                if (y != 0 && y != 1) {
                    return soft(x, y, cfg, t);
                }
            } else {
                double e = Math.exp(-Math.abs(x));
                double l1p = Math.log1p(e);
                spPos = Math.max(x, 0) + l1p;
                spNeg = Math.max(-x, 0) + l1p;
                sigPos = x >= 0 ? 1 / (1 + e) : e / (1 + e);
                sigNeg = x >= 0 ? e / (1 + e) : 1 / (1 + e);
            }
            boolean open = true;
            if (cfg.getMode() == LossSkipGram.Mode.CLAMPED) {
                double lo = -Math.log1p(-cfg.getEps());
                double hi = -Math.log(cfg.getEps());
                spPos = Math.min(Math.max(spPos, lo), hi);
                spNeg = Math.min(Math.max(spNeg, lo), hi);
                open = Math.abs(x) < Math.log1p(-cfg.getEps()) - Math.log(cfg.getEps());
            }
            double a = (1 - y) * cfg.getNegativeWeight();
            double b = y * cfg.getPositiveWeight();
            double gPos = open ? a * sigPos : 0;
            double gNeg = open ? b * sigNeg : 0;
            return new Reference(a * spPos + b * spNeg, gPos - gNeg,
                    y == 0 || y == 1 ? Math.abs(gPos - gNeg) : Math.max(gPos, gNeg));
        }

        /** Soft labels in DOUBLE: the whole formula in decimal; the gradient measured against its larger term. */
        private static Reference soft(double x, double y, LossSkipGram cfg, HighPrecision.Terms t) {
            BigDecimal by = new BigDecimal(y);
            BigDecimal a = BigDecimal.ONE.subtract(by).multiply(new BigDecimal(cfg.getNegativeWeight()));
            BigDecimal b = by.multiply(new BigDecimal(cfg.getPositiveWeight()));
            BigDecimal spPos = t.softplusPos();
            BigDecimal spNeg = t.softplusNeg();
            boolean open = true;
            if (cfg.getMode() == LossSkipGram.Mode.CLAMPED) {
                BigDecimal lo = new BigDecimal(-Math.log1p(-cfg.getEps()));
                BigDecimal hi = new BigDecimal(-Math.log(cfg.getEps()));
                spPos = spPos.max(lo).min(hi);
                spNeg = spNeg.max(lo).min(hi);
                open = Math.abs(x) < Math.log1p(-cfg.getEps()) - Math.log(cfg.getEps());
            }
            BigDecimal gPos = open ? a.multiply(t.sigmoidPos()) : BigDecimal.ZERO;
            BigDecimal gNeg = open ? b.multiply(t.sigmoidNeg()) : BigDecimal.ZERO;
            double loss = a.multiply(spPos).add(b.multiply(spNeg)).doubleValue();
            return new Reference(loss, gPos.subtract(gNeg).doubleValue(), gPos.max(gNeg).doubleValue());
        }
    }

    /** The worst error seen, in ulps of the dtype at the scale. */
    static final class Worst {
        final String what;
        double ulps;
        double x;
        double y;
        double actual;
        double expected;
        int checked;

        Worst(String what) {
            this.what = what;
        }

        void add(DTypes d, double x, double y, double actual, double expected, double scale) {
            checked++;
            double err = actual == expected ? 0 : Math.abs(actual - expected) / d.ulp(scale);
            if (Double.isNaN(actual) || Double.isInfinite(actual)) {
                err = Double.POSITIVE_INFINITY;
            }
            if (err > ulps || (Double.isInfinite(err) && ulps != err)) {
                ulps = err;
                this.x = x;
                this.y = y;
                this.actual = actual;
                this.expected = expected;
            }
        }

        String describe(double bound) {
            return String.format("%s error %.3f ulp > %.0f at x=%s, y=%s: got %s, expected %s",
                    what, ulps, bound, x, y, actual, expected);
        }
    }

    static {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
}

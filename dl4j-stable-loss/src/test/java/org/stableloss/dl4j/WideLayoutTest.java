package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The accuracy sweep and the contract in the layouts users train with, which the other tests (single columns,
 * small blocks) do not reach: wider than any vector ({@code [200, 37]}, {@code [3, 101]}: full vectors plus a
 * scalar tail in every row) and above the fast path's parallel threshold ({@code [512, 257]}, 131,584 elements,
 * split over threads by rows). Logits cycle through the sweep of {@link Sweep} (+-[1e-8, 1e4], 0, subnormals), with
 * hard or mixed soft labels, per-output weights with zeros, per-example and per-output masks with fractional and
 * zero entries, in both modes. Each result is checked per element against the double reference of
 * {@link LossSkipGramAccuracyTest} times weight and mask, on the default path (the CPU fast path when the JVM has
 * the vector module) and on the portable ND4J path, and the two paths against each other.
 */
class WideLayoutTest {

    private static final double[] SWEEP = Sweep.logits(600);

    enum Layout {
        NARROW_TALL(200, 37), WIDE_SHORT(3, 101), PARALLEL(512, 257);

        final int rows;
        final int cols;

        Layout(int rows, int cols) {
            this.rows = rows;
            this.cols = cols;
        }
    }

    enum Labels { HARD, SOFT }

    enum Mask { NONE, PER_EXAMPLE, PER_OUTPUT }

    @AfterEach
    void restorePath() {
        System.clearProperty(FastPath.PROPERTY);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Layout layout : Layout.values()) {
            for (DTypes d : new DTypes[] {DTypes.FLOAT, DTypes.DOUBLE}) {
                for (boolean clamped : new boolean[] {false, true}) {
                    cases.add(Arguments.of(layout, d, clamped, Labels.HARD, Mask.NONE));
                    cases.add(Arguments.of(layout, d, clamped, Labels.SOFT, Mask.PER_EXAMPLE));
                    cases.add(Arguments.of(layout, d, clamped, Labels.HARD, Mask.PER_OUTPUT));
                }
            }
        }
        return cases.stream();
    }

    /**
     * Error bound in ulps of the dtype: the accuracy sweep's bound (2 FLOAT, 4 DOUBLE) plus the roundings of the
     * weight and mask products; for DOUBLE, also the double reference's own error (java.lang.Math, about 1 ulp per
     * function).
     */
    static double bound(DTypes d) {
        return d == DTypes.FLOAT ? 4 : 8;
    }

    @ParameterizedTest(name = "{0} {1} clamped={2} {3} mask {4}")
    @MethodSource("cases")
    void defaultAndPortablePathsMeetTheReference(Layout layout, DTypes d, boolean clamped, Labels labelKind,
                                                 Mask maskKind) {
        Random r = new Random(31L * layout.ordinal() + 7L * maskKind.ordinal() + labelKind.ordinal());
        int rows = layout.rows;
        int cols = layout.cols;
        double[][] xv = new double[rows][cols];
        double[][] yv = new double[rows][cols];
        int offset = r.nextInt(SWEEP.length);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                xv[i][j] = SWEEP[(offset + i * cols + j) % SWEEP.length];
                double hard = r.nextBoolean() ? 1 : 0;
                yv[i][j] = labelKind == Labels.SOFT && r.nextInt(3) == 0 ? r.nextDouble() : hard;
            }
        }
        INDArray x = Nd4j.createFromArray(xv);
        INDArray y = Nd4j.createFromArray(yv);
        INDArray mask = switch (maskKind) {
            case NONE -> null;
            case PER_EXAMPLE -> maskValues(r, rows, 1);
            case PER_OUTPUT -> maskValues(r, rows, cols);
        };
        double[] w = new double[cols];
        for (int j = 0; j < cols; j++) {
            w[j] = j % 5 == 3 ? 0 : 0.25 + 2 * r.nextDouble();
        }
        LossSkipGram.Builder builder = LossSkipGram.builder().weights(Nd4j.createFromArray(w));
        LossSkipGram loss = clamped ? builder.clamped(1e-4).positiveWeight(2).negativeWeight(0.5).build()
                : builder.build();

        INDArray xd = x.castTo(d.dataType);
        INDArray yd = y.castTo(d.dataType);
        INDArray md = mask == null ? null : mask.castTo(d.dataType);
        Result byDefault = Result.of(loss, yd, xd, md);
        System.setProperty(FastPath.PROPERTY, "false");
        Result portable = Result.of(loss, yd, xd, md);
        System.clearProperty(FastPath.PROPERTY);

        double[][] xs = matrix(xd);
        double[][] ys = matrix(yd);
        double[][] ms = md == null ? null : matrix(md);
        double[][] refGrad = new double[rows][cols];
        double[][] refScale = new double[rows][cols];
        double[] refRows = new double[rows];
        double[] rowTolerance = new double[rows];
        double clampLogit = Math.log1p(-1e-4) - Math.log(1e-4);
        boolean[][] edge = new boolean[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double m = ms == null ? 1 : ms[i][ms[i].length == 1 ? 0 : j];
                var ref = LossSkipGramAccuracyTest.Reference.of(xs[i][j], ys[i][j], loss, false);
                double factor = m * w[j];
                refGrad[i][j] = factor == 0 ? 0 : factor * ref.gradient();
                refScale[i][j] = factor * ref.gradientScale();
                refRows[i] += factor == 0 ? 0 : factor * ref.loss();
                rowTolerance[i] += factor == 0 ? 0 : bound(d) * d.ulp(factor * ref.loss()) + d.minNormal();
                edge[i][j] = clamped && Math.abs(Math.abs(xs[i][j]) - clampLogit) < 1e-5 * clampLogit;
            }
        }
        String what = layout + " " + d + (clamped ? " clamped" : " exact") + " " + labelKind + " mask " + maskKind;
        for (Result res : new Result[] {byDefault, portable}) {
            String path = (res == portable ? "portable" : "default") + " path, " + what;
            assertEntryPointsAgree(res, refScale, d, path);
            assertEquals(d.dataType, res.gradient.dataType(), path);
            assertArrayEquals(new long[] {rows, cols}, res.gradient.shape(), path);
            assertArrayEquals(new long[] {rows, 1}, res.scores.shape(), path);
            double[][] g = matrix(res.gradient);
            double[] s = flat(res.scores);
            double total = 0;
            double totalTolerance = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    if (edge[i][j]) {
                        continue; // the clamp's edge: a rounding of the threshold decides the branch
                    }
                    double err = g[i][j] == refGrad[i][j] ? 0
                            : Math.abs(g[i][j] - refGrad[i][j]) / d.ulp(refScale[i][j]);
                    assertTrue(err <= bound(d), String.format("%s: gradient at [%d, %d] (x=%s, y=%s) %s, reference"
                            + " %s: %.2f ulp", path, i, j, xs[i][j], ys[i][j], g[i][j], refGrad[i][j], err));
                }
                boolean rowHasEdge = false;
                for (boolean e : edge[i]) {
                    rowHasEdge |= e;
                }
                if (!rowHasEdge) {
                    assertEquals(refRows[i], s[i], rowTolerance[i] + cols * Math.ulp(refRows[i]),
                            path + ": row score " + i);
                }
                total += refRows[i];
                totalTolerance += rowTolerance[i];
            }
            totalTolerance += (double) rows * cols * Math.ulp(total); // sums in double, in another order
            if (!clamped || noEdge(edge)) {
                assertEquals(total, res.score, totalTolerance, path + ": total score (summed in double)");
            }
        }
        assertPathsAgree(byDefault, portable, refScale, d, what);
    }

    /**
     * The fast path, where the JVM has it, against the portable path, element by element, in ulps of the gradient's
     * scale (its larger term: soft-label gradients are differences of two terms).
     */
    private static void assertPathsAgree(Result byDefault, Result portable, double[][] scale, DTypes d,
                                         String what) {
        Assumptions.assumeTrue(FastPath.available(), "the JVM runs without --add-modules jdk.incubator.vector (or"
                + " not on the CPU backend), so the default path is the portable one: nothing to compare");
        double[] a = flat(byDefault.gradient);
        double[] b = flat(portable.gradient);
        int cols = scale[0].length;
        for (int i = 0; i < a.length; i++) {
            double tolerance = 2 * bound(d) * d.ulp(Math.max(Math.abs(b[i]), scale[i / cols][i % cols]));
            assertEquals(b[i], a[i], tolerance, what + ": fast vs portable at " + i);
        }
        assertEquals(portable.score, byDefault.score, 1e-6 * Math.abs(portable.score), what + ": total score");
    }

    private static boolean noEdge(boolean[][] edge) {
        for (boolean[] row : edge) {
            for (boolean e : row) {
                if (e) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The values in C order, as doubles. */
    private static double[] flat(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    private static double[][] matrix(INDArray a) {
        double[] v = flat(a);
        int cols = (int) a.size(1);
        double[][] m = new double[(int) a.size(0)][];
        for (int i = 0; i < m.length; i++) {
            m[i] = Arrays.copyOfRange(v, i * cols, (i + 1) * cols);
        }
        return m;
    }

    /** Mask entries: mostly 1, some 0, some 0.5. */
    private static INDArray maskValues(Random r, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = r.nextInt(6);
                m[i][j] = k == 0 ? 0 : k == 1 ? 0.5 : 1;
            }
        }
        return Nd4j.createFromArray(m);
    }

    /**
     * Score alone, gradient alone and both run separate loops: on the vector path, a loop the JIT has not yet
     * compiled computes {@code exp}/{@code log1p} per lane with {@code Math.exp}/{@code Math.log1p}, a compiled one
     * with the JDK's vector intrinsics, which differ in the last bit for some arguments. So they agree to the last
     * bits of the gradient's scale (amplified in the result where a soft label's two gradient terms cancel), not bit
     * for bit.
     */
    private static void assertEntryPointsAgree(Result res, double[][] scale, DTypes d, String path) {
        assertEquals(res.score, res.scoreAlone, 1e-12 * Math.abs(res.score),
                path + ": computeScore and computeGradientAndScore agree");
        double[] alone = flat(res.gradientAlone);
        double[] withScore = flat(res.gradient);
        int cols = scale[0].length;
        for (int i = 0; i < alone.length; i++) {
            double tolerance = bound(d) * d.ulp(Math.max(Math.abs(withScore[i]), scale[i / cols][i % cols]));
            assertEquals(withScore[i], alone[i], tolerance,
                    path + ": computeGradient and computeGradientAndScore agree at " + i);
        }
    }

    /**
     * Total score, per-example scores and gradient of {@code computeGradientAndScore}, and the score and gradient
     * of {@code computeScore} and {@code computeGradient} called alone, on the current path.
     */
    private record Result(double score, INDArray scores, INDArray gradient, double scoreAlone,
                          INDArray gradientAlone) {

        static Result of(LossSkipGram loss, INDArray y, INDArray x, INDArray mask) {
            Pair<Double, INDArray> both = loss.computeGradientAndScore(y, x, new ActivationIdentity(), mask, false);
            return new Result(both.getFirst(), loss.computeScoreArray(y, x, new ActivationIdentity(), mask),
                    both.getSecond(), loss.computeScore(y, x, new ActivationIdentity(), mask, false),
                    loss.computeGradient(y, x, new ActivationIdentity(), mask));
        }
    }
}

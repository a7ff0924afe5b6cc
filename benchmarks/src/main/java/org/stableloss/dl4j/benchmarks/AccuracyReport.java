package org.stableloss.dl4j.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stableloss.dl4j.DTypes;
import org.stableloss.dl4j.HighPrecision;
import org.stableloss.dl4j.Sweep;

/**
 * The accuracy report: every formulation in {@link Formulations} against a 50-digit reference, over the sweep of
 * logits log-spaced over +-[1e-8, 1e4] plus 0 and subnormals, with labels 0, 1 and soft (0.3, 0.75), in FLOAT,
 * DOUBLE, HALF and BFLOAT16. Writes {@code accuracy.md} (also printed) and {@code accuracy-float-gradient.png} to the
 * folder given as the first argument (default {@code target/accuracy-report}). Deterministic: the same build gives
 * the same table.
 *
 * <p>Errors are in ulps of the dtype at the true value, over the points where the true value is a normal number of
 * the dtype and the output is finite; a soft label's gradient (a difference of two terms) is measured in ulps of the
 * larger term. Non-finite outputs from finite inputs are counted separately. "Confidently wrong" pairs are positive
 * pairs at x <= -10 and negative pairs at x >= 10, whose true gradient is about -1 and +1.
 */
public final class AccuracyReport {

    private static final int PER_SIGN = 2000;
    private static final double[] SOFT = {0.3, 0.75};

    private AccuracyReport() {
    }

    /**
     * Writes {@code accuracy.md} and {@code accuracy-float-gradient.png}.
     *
     * @param args optional output directory (default {@code target/accuracy-report})
     * @throws IOException when the report cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target/accuracy-report");
        Files.createDirectories(out);
        double[] grid = Sweep.logits(PER_SIGN);
        StringBuilder md = new StringBuilder();
        md.append("Errors in ulps of the dtype (max / median) over ").append(3 * grid.length)
                .append(" (logit, label) points; non-finite: outputs that are NaN or infinite for finite input;")
                .append(" worst wrong: the largest |gradient error| on confidently wrong pairs (true |gradient| ~ 1).")
                .append(" Every row is measured against the exact loss, the clamped ones too: their error beyond the")
                .append(" clamp is what the comparison shows.\n");
        Map<String, double[][]> chart = new LinkedHashMap<>();
        for (DTypes d : DTypes.values()) {
            md.append("\n#### ").append(d).append("\n\n");
            md.append("| formulation | loss max | loss median | gradient max | gradient median | non-finite | worst wrong |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            Points p = Points.of(grid, d);
            for (Formulations.Formulation f : Formulations.all()) {
                Row row = evaluate(f, p, d);
                md.append(row.markdown(f.name())).append('\n');
                if (d == DTypes.FLOAT && f.charted() && row.gradientUlps != null) {
                    chart.put(f.name(), new double[][] {p.positiveLogits(), p.positiveOnly(row.gradientUlps)});
                }
            }
        }
        String table = md.toString();
        Files.writeString(out.resolve("accuracy.md"), table, StandardCharsets.UTF_8);
        ErrorChart.write(out.resolve("accuracy-float-gradient.png"), chart);
        System.out.print(table);
        System.out.println("\nwrote " + out.resolve("accuracy.md") + " and " + out.resolve("accuracy-float-gradient.png"));
    }

    private static Row evaluate(Formulations.Formulation f, Points p, DTypes d) {
        Formulations.Output o;
        try {
            if (f.portable()) {
                System.setProperty("org.stableloss.dl4j.fastPath", "false");
            }
            o = f.apply(p.x, p.y);
        } catch (RuntimeException e) {
            return Row.failed(e);
        } finally {
            System.clearProperty("org.stableloss.dl4j.fastPath");
        }
        double[] loss = o.loss().castTo(DataType.DOUBLE).dup('c').reshape(-1).toDoubleVector();
        double[] grad = o.gradient().castTo(DataType.DOUBLE).dup('c').reshape(-1).toDoubleVector();
        int n = p.xs.length;
        int nonFinite = 0;
        double worstWrong = 0;
        List<Double> lossErr = new ArrayList<>();
        List<Double> gradErr = new ArrayList<>();
        double[] gradientUlps = new double[n];
        for (int i = 0; i < n; i++) {
            boolean finite = Double.isFinite(loss[i]) && Double.isFinite(grad[i]);
            if (!finite) {
                nonFinite++;
            }
            Reference r = p.ref[i];
            gradientUlps[i] = Double.isFinite(grad[i]) ? Math.abs(grad[i] - r.gradient) / d.ulp(r.gradientScale)
                    : Double.POSITIVE_INFINITY;
            if (Double.isFinite(loss[i]) && Math.abs(r.loss) >= d.minNormal()) {
                lossErr.add(Math.abs(loss[i] - r.loss) / d.ulp(r.loss));
            }
            if (Double.isFinite(grad[i]) && Math.abs(r.gradient) >= d.minNormal()) {
                gradErr.add(gradientUlps[i]);
            }
            boolean wrong = (p.ys[i] == 1 && p.xs[i] <= -10) || (p.ys[i] == 0 && p.xs[i] >= 10);
            if (wrong) {
                worstWrong = Math.max(worstWrong, Double.isFinite(grad[i])
                        ? Math.abs(grad[i] - r.gradient) : Double.POSITIVE_INFINITY);
            }
        }
        return new Row(stats(lossErr), stats(gradErr), nonFinite, n, worstWrong, gradientUlps, null);
    }

    /** {max, median}, or NaN when no point qualified. */
    private static double[] stats(List<Double> errors) {
        if (errors.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] e = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {e[e.length - 1], e[e.length / 2]};
    }

    /** One table row. */
    private record Row(double[] loss, double[] gradient, int nonFinite, int points, double worstWrong,
                       double[] gradientUlps, String error) {

        static Row failed(RuntimeException e) {
            String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            msg = msg.length() > 60 ? msg.substring(0, 60) + "..." : msg;
            return new Row(null, null, 0, 0, 0, null, e.getClass().getSimpleName() + ": " + msg);
        }

        String markdown(String name) {
            if (error != null) {
                return "| " + name + " | fails: " + error.replace('|', '/') + " | | | | | |";
            }
            return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d of %d | %s |", name, ulps(loss[0]),
                    ulps(loss[1]), ulps(gradient[0]), ulps(gradient[1]), nonFinite, points, abs(worstWrong));
        }

        private static String ulps(double v) {
            if (Double.isNaN(v)) {
                return "-";
            }
            if (v == 0) {
                return "0";
            }
            if (Double.isInfinite(v)) {
                return "> 1e308";
            }
            return v < 100 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.2e", v);
        }

        private static String abs(double v) {
            return Double.isInfinite(v) ? "NaN/inf" : v == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
        }
    }

    /** The true loss and gradient of one point, and the scale its gradient error is measured against. */
    private record Reference(double loss, double gradient, double gradientScale) {
    }

    /** The sweep in one dtype: logits and labels as the dtype holds them, and their references. */
    private record Points(INDArray x, INDArray y, double[] xs, double[] ys, Reference[] ref) {

        static Points of(double[] grid, DTypes d) {
            int n = grid.length;
            double[] x3 = new double[3 * n];
            double[] y3 = new double[3 * n];
            for (int i = 0; i < n; i++) {
                x3[i] = grid[i];
                x3[n + i] = grid[i];
                x3[2 * n + i] = grid[i];
                y3[n + i] = 1;
                y3[2 * n + i] = SOFT[i % 2];
            }
            INDArray x = Sweep.column(x3, d.dataType);
            INDArray y = Sweep.column(y3, d.dataType);
            double[] xs = Sweep.asHeld(x);
            double[] ys = Sweep.asHeld(y);
            Map<Double, HighPrecision.Terms> cache = new HashMap<>();
            Reference[] ref = new Reference[xs.length];
            for (int i = 0; i < xs.length; i++) {
                HighPrecision.Terms t = cache.computeIfAbsent(xs[i], HighPrecision::terms);
                double a = 1 - ys[i];
                double b = ys[i];
                double gPos = a * t.sigmoidPos().doubleValue();
                double gNeg = b * t.sigmoidNeg().doubleValue();
                double loss = a * t.softplusPos().doubleValue() + b * t.softplusNeg().doubleValue();
                boolean hard = ys[i] == 0 || ys[i] == 1;
                ref[i] = new Reference(loss, gPos - gNeg, hard ? gPos - gNeg : Math.max(gPos, gNeg));
            }
            return new Points(x, y, xs, ys, ref);
        }

        /** Logits of the positive pairs (label 1) within [-100, 100], the chart's x axis. */
        double[] positiveLogits() {
            return positiveOnly(xs);
        }

        double[] positiveOnly(double[] values) {
            int n = xs.length / 3;
            return Arrays.stream(range(n)).filter(i -> Math.abs(xs[i]) <= 100).mapToDouble(i -> values[i])
                    .toArray();
        }

        private static int[] range(int n) {
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = n + i;
            }
            return r;
        }
    }

    static {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
}

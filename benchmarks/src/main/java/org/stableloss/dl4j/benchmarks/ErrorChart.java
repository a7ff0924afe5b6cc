package org.stableloss.dl4j.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The accuracy report's chart: gradient error in ulps against the logit, one line per formulation. */
final class ErrorChart {

    /** Errors below this are drawn at it (log axis): "exact to the last bit" sits on the floor. */
    private static final double FLOOR = 0.1;
    /** Errors above this, and non-finite gradients, are drawn at it. */
    private static final double CEILING = 1e9;

    private ErrorChart() {
    }

    /**
     * @param file   the PNG to write
     * @param series per formulation: {logits, gradient errors in ulps}
     */
    static void write(Path file, Map<String, double[][]> series) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), true, true);
            double[] x = e.getValue()[0];
            double[] err = e.getValue()[1];
            for (int i = 0; i < x.length; i++) {
                double v = Double.isFinite(err[i]) ? Math.min(Math.max(err[i], FLOOR), CEILING) : CEILING;
                s.addOrUpdate(x[i], v);
            }
            data.addSeries(s);
        }
        NumberAxis xAxis = new NumberAxis("logit x (positive pair, label 1), FLOAT");
        LogAxis yAxis = new LogAxis("gradient error, ulps (0 drawn at 0.1, non-finite at 1e9)");
        yAxis.setRange(FLOOR / 2, CEILING * 2);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        Color[] palette = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), Color.BLACK};
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(i == series.size() - 1 ? 3f : 1.6f));
            renderer.setSeriesPaint(i, palette[Math.min(i, palette.length - 1)]);
        }
        XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Gradient error of each formulation against a 50-digit reference",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1100, 650);
    }
}

package org.stableloss.dl4j.samples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.embeddings.tags.TagData;

/** PNG charts (JFreeChart) of the tag-embedding job and the loss tour. */
public final class Charts {

    /** File name of the training-loss chart (mean loss per example against the fractional epoch). */
    public static final String TRAINING_LOSS = "training-loss.png";
    /** File name of the chart of a positive pair's loss against its logit. */
    public static final String LOSS_VS_LOGIT = "loss-vs-logit.png";
    /** File name of the chart of a positive pair's gradient dL/dx against its logit. */
    public static final String GRADIENT_VS_LOGIT = "gradient-vs-logit.png";
    private static final int W = 800;
    private static final int H = 480;

    private Charts() {
    }

    static void write(Path dir, List<TagEmbeddings.RunResult> results, double eps) {
        try {
            ChartUtils.saveChartAsPNG(dir.resolve(TRAINING_LOSS).toFile(), trainingLoss(results), W, H);
            JFreeChart[] lg = lossAndGradientVsLogit(-40, 40, eps);
            ChartUtils.saveChartAsPNG(dir.resolve(LOSS_VS_LOGIT).toFile(), lg[0], W, H);
            ChartUtils.saveChartAsPNG(dir.resolve(GRADIENT_VS_LOGIT).toFile(), lg[1], W, H);
        } catch (IOException e) {
            throw new TagData.DataException("cannot write charts to " + dir + ": " + e.getMessage());
        }
    }

    /**
     * Mean training loss per example (1 positive + K negatives), a point per tenth of an epoch, one line per run,
     * log scale.
     */
    static JFreeChart trainingLoss(List<TagEmbeddings.RunResult> results) {
        XYSeriesCollection ds = new XYSeriesCollection();
        for (TagEmbeddings.RunResult r : results) {
            XYSeries s = new XYSeries(r.spec.lossName() + ", lr " + TagEmbeddings.trim(r.spec.lr()));
            for (double[] p : r.lossCurve) {
                if (Double.isFinite(p[1]) && p[1] > 0) {
                    s.add(p[0], p[1]);
                }
            }
            ds.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Training loss per example (1 positive + K negatives)",
                "epoch", "mean loss", ds, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogarithmicAxis y = new LogarithmicAxis("mean loss (log scale)");
        y.setAllowNegativesFlag(false);
        plot.setRangeAxis(y);
        style(chart, false);
        return chart;
    }

    /**
     * Loss and dL/dx of a positive pair (label 1) against the logit x in [from, to], in float32, as computed by
     * the library classes themselves: LossSkipGram exact, LossSkipGram clamped(eps), LossBinaryXENT + sigmoid.
     *
     * @return {loss chart, gradient chart}
     */
    public static JFreeChart[] lossAndGradientVsLogit(double from, double to, double eps) {
        int n = (int) Math.round((to - from) / 0.25) + 1;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) {
            xs[i] = (float) (from + i * (to - from) / (n - 1));
        }
        INDArray x = Nd4j.create(xs, new long[]{n, 1});
        INDArray y = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, 1);
        Object[][] curves = {
                {"LossSkipGram exact", LossSkipGram.builder().exact().build(), Activation.IDENTITY},
                {"LossSkipGram clamped eps=" + eps, LossSkipGram.builder().clamped(eps).build(), Activation.IDENTITY},
                {"LossBinaryXENT + sigmoid", new LossBinaryXENT(), Activation.SIGMOID},
        };
        XYSeriesCollection losses = new XYSeriesCollection();
        XYSeriesCollection grads = new XYSeriesCollection();
        for (Object[] c : curves) {
            ILossFunction fn = (ILossFunction) c[1];
            IActivation act = ((Activation) c[2]).getActivationFunction();
            double[] l = fn.computeScoreArray(y, x.dup(), act, null).toDoubleVector();
            double[] g = fn.computeGradient(y, x.dup(), act, null).toDoubleVector();
            XYSeries ls = new XYSeries((String) c[0]);
            XYSeries gs = new XYSeries((String) c[0]);
            for (int i = 0; i < n; i++) {
                double xi = x.getDouble(i, 0);
                ls.add(xi, l[i]);
                gs.add(xi, g[i]);
            }
            losses.addSeries(ls);
            grads.addSeries(gs);
        }
        JFreeChart lc = ChartFactory.createXYLineChart("Loss of a positive pair (y = 1) vs logit, float32", "logit x",
                "loss", losses, PlotOrientation.VERTICAL, true, false, false);
        JFreeChart gc = ChartFactory.createXYLineChart("dL/dx of a positive pair (y = 1) vs logit, float32",
                "logit x", "dL/dx", grads, PlotOrientation.VERTICAL, true, false, false);
        style(lc, false);
        style(gc, false);
        return new JFreeChart[]{lc, gc};
    }

    private static void style(JFreeChart chart, boolean shapes) {
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, shapes);
        Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
                new Color(0x9467bd)};
        float[][] dashes = {null, {8f, 4f}, {2f, 3f}, {8f, 3f, 2f, 3f}};
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            r.setSeriesPaint(i, colors[i % colors.length]);
            float[] d = dashes[i % dashes.length];
            r.setSeriesStroke(i, d == null ? new BasicStroke(2.5f)
                    : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, d, 0f));
        }
        plot.setRenderer(r);
    }

    /** @return the chart drawn into an image (for a notebook's display) */
    public static BufferedImage image(JFreeChart chart, int width, int height) {
        return chart.createBufferedImage(width, height);
    }
}

package org.stableloss.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DL4J training listener that counts saturated and confidently wrong logits at the output layers that use
 * {@link LossSkipGram} or {@code LossBinaryXENT}, for {@link MultiLayerNetwork} and {@link ComputationGraph}.
 *
 * <p>Every {@code frequency} iterations (those whose iteration count, before the step, is a multiple of it) it takes
 * the logits of the step's forward pass, the layer's pre-activation {@code x} (recomputed from the layer's input as
 * {@code input * W + b} for {@code OutputLayer}/{@code RnnOutputLayer}, the input itself for
 * {@code LossLayer}/{@code RnnLossLayer}: exact whatever the activation, no inverse sigmoid), and the step's labels
 * {@code y} and label mask, and reports per layer ({@link Stats}): the unmasked entries ("pairs"), those with
 * {@code |x| >= T} (saturated), those saturated on the wrong side ({@code y >= 0.5} and {@code x <= -T}, or
 * {@code y < 0.5} and {@code x >= T}:
 * confidently wrong, where {@code LossBinaryXENT} gives almost no gradient), the largest finite |x|, and the
 * non-finite logits (NaN or infinite, counted only there). Entries whose mask is 0 are not counted; masks may be per
 * example [mb, 1] or per output [mb, nOut] (for RNN layers [mb, T] or [mb, nOut, T]). One INFO line per layer and
 * report goes to SLF4J. Other output layers (other losses, CNN loss layers) are skipped.
 *
 * <p>T defaults to {@value #DEFAULT_THRESHOLD}: in float32, sigmoid(x) rounds to 1 from x = 16.64, so beyond |x| = 17
 * {@code LossBinaryXENT} + sigmoid has no gradient left for a wrong pair, while {@code LossSkipGram} still gives -1.
 *
 * <p>Cost: on a reporting step, one copy of the logits, labels and mask to the Java heap and a loop over them, plus
 * one matrix product for {@code OutputLayer}s; nothing on other steps.
 *
 * <p>Thread-safety: one instance may serve several networks trained on different threads at once (e.g. the workers of
 * a {@code ParallelWrapper}, which share their listeners): a step's forward and backward passes are matched per
 * thread, and {@link #last()} and {@link #lastReport()} return the most recent report of any of them (iteration
 * counts are then each worker's own).
 */
public final class SaturationListener extends BaseTrainingListener {

    /** The default |logit| threshold T: float32 sigmoid saturates (rounds to 0 or 1) from |x| = 16.64. */
    public static final double DEFAULT_THRESHOLD = 17.0;
    /** The default reporting interval, in iterations. */
    public static final int DEFAULT_FREQUENCY = 10;

    private static final Logger log = LoggerFactory.getLogger(SaturationListener.class);

    private final int frequency;
    private final double threshold;
    /** Logits of the forward pass on this thread, waiting for the labels (set just before the backward pass). */
    private final ThreadLocal<List<Pending>> pending = new ThreadLocal<>();
    private volatile List<Stats> lastReport = List.of();

    /** Reports every {@value #DEFAULT_FREQUENCY} iterations with threshold {@value #DEFAULT_THRESHOLD}. */
    public SaturationListener() {
        this(DEFAULT_FREQUENCY, DEFAULT_THRESHOLD);
    }

    /**
     * Reports every {@code frequency} iterations with threshold {@value #DEFAULT_THRESHOLD}.
     *
     * @param frequency iterations between reports, >= 1 (1: every iteration)
     */
    public SaturationListener(int frequency) {
        this(frequency, DEFAULT_THRESHOLD);
    }

    /**
     * @param frequency iterations between reports, >= 1
     * @param threshold T, the |logit| from which an entry counts as saturated: finite and > 0
     */
    public SaturationListener(int frequency, double threshold) {
        Checks.checkArgument(frequency >= 1, "frequency must be >= 1, got %s", frequency);
        Checks.checkArgument(Double.isFinite(threshold) && threshold > 0, "threshold must be finite and > 0, got %s",
                threshold);
        this.frequency = frequency;
        this.threshold = threshold;
    }

    /** @return the reporting interval, in iterations */
    public int frequency() {
        return frequency;
    }

    /** @return T, the saturation threshold on |logit| */
    public double threshold() {
        return threshold;
    }

    /**
     * @return the latest figures (of the last output layer reported, for graphs with several); null before the first
     *     report
     */
    public Stats last() {
        List<Stats> r = lastReport;
        return r.isEmpty() ? null : r.get(r.size() - 1);
    }

    /** @return the latest report, one entry per output layer covered, in output order; empty before the first */
    public List<Stats> lastReport() {
        return lastReport;
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        if (!(model instanceof MultiLayerNetwork net) || net.getIterationCount() % frequency != 0) {
            return;
        }
        int index = net.getnLayers() - 1;
        Layer out = net.getOutputLayer();
        if (!covered(out)) {
            return;
        }
        INDArray input = activations.get(activations.size() - 1);
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(index);
        if (pre != null) {
            input = pre.preProcess(input, (int) input.size(0), LayerWorkspaceMgr.noWorkspaces());
        }
        String name = out.conf().getLayer().getLayerName();
        pending.set(List.of(Pending.of(name == null ? String.valueOf(index) : name, out, net.getIterationCount(),
                input)));
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        if (!(model instanceof ComputationGraph graph) || graph.getIterationCount() % frequency != 0) {
            return;
        }
        List<Pending> list = new ArrayList<>();
        for (String output : graph.getConfiguration().getNetworkOutputs()) {
            GraphVertex v = graph.getVertex(output);
            if (!v.hasLayer() || !covered(v.getLayer())) {
                continue;
            }
            String inputName = graph.getConfiguration().getVertexInputs().get(output).get(0);
            INDArray input = activations.get(inputName);
            if (input == null) {
                input = v.getInputs()[0];
            }
            if (v instanceof LayerVertex lv && lv.getLayerPreProcessor() != null) {
                input = lv.getLayerPreProcessor().preProcess(input, (int) input.size(0),
                        LayerWorkspaceMgr.noWorkspaces());
            }
            list.add(Pending.of(output, v.getLayer(), graph.getIterationCount(), input));
        }
        if (!list.isEmpty()) {
            pending.set(list);
        }
    }

    @Override
    public void onBackwardPass(Model model) {
        List<Pending> list = pending.get();
        if (list == null) {
            return;
        }
        pending.remove();
        List<Stats> report = new ArrayList<>(list.size());
        for (Pending p : list) {
            INDArray labels = ((IOutputLayer) p.layer).getLabels();
            if (labels == null) {
                log.debug("layer {}: no labels at iteration {}, skipped", p.name, p.iteration);
                continue;
            }
            INDArray mask = p.layer.getMaskArray();
            Stats s = count(p, flat2d(p.layer, labels), mask == null ? null : maskValues(p, mask));
            if (s != null) {
                if (log.isInfoEnabled()) {
                    log.info(s.toString());
                }
                report.add(s);
            }
        }
        if (!report.isEmpty()) {
            lastReport = List.copyOf(report);
        }
    }

    /** The figures of one layer, or null (logged) when labels or mask do not fit the logits. */
    private Stats count(Pending p, double[] y, double[] m) {
        double[] x = p.logits;
        int nOut = p.nOut;
        boolean perRow = m != null && m.length * nOut == x.length && nOut != 1;
        if (y.length != x.length || (m != null && !perRow && m.length != x.length)) {
            log.warn("layer {}, iteration {}: {} labels and a mask of {} values do not fit {} logits; skipped", p.name,
                    p.iteration, y.length, m == null ? 0 : m.length, x.length);
            return null;
        }
        long pairs = 0;
        long saturated = 0;
        long wrong = 0;
        long nonFinite = 0;
        double maxAbs = 0;
        for (int k = 0; k < x.length; k++) {
            if (m != null && (perRow ? m[k / nOut] : m[k]) == 0) {
                continue;
            }
            pairs++;
            double v = x[k];
            if (!Double.isFinite(v)) {
                nonFinite++;
                continue;
            }
            double a = Math.abs(v);
            maxAbs = Math.max(maxAbs, a);
            if (a >= threshold) {
                saturated++;
                if (y[k] >= 0.5 ? v < 0 : v > 0) {
                    wrong++;
                }
            }
        }
        return new Stats(p.name, p.iteration, threshold, pairs, saturated, wrong, maxAbs, nonFinite);
    }

    /** Whether the listener reports on this output layer. */
    private static boolean covered(Layer layer) {
        org.deeplearning4j.nn.conf.layers.Layer c = layer.conf().getLayer();
        ILossFunction loss;
        if (c instanceof BaseOutputLayer l) {
            loss = l.getLossFn();
        } else if (c instanceof LossLayer l) {
            loss = l.getLossFn();
        } else if (c instanceof RnnLossLayer l) {
            loss = l.getLossFn();
        } else {
            return false;
        }
        return loss instanceof LossSkipGram || loss instanceof LossBinaryXENT;
    }

    /** The layer's pre-activation for {@code input}, [rows, nOut]. */
    private static INDArray logits(Layer layer, INDArray input) {
        org.deeplearning4j.nn.conf.layers.Layer c = layer.conf().getLayer();
        INDArray in2d = input.rank() == 3 ? rnnTo2d(input, rnnFormat(c)) : input;
        INDArray z = in2d;
        if (c instanceof BaseOutputLayer o) {
            z = in2d.castTo(layer.getParam("W").dataType()).mmul(layer.getParam("W"));
            if (o.hasBias()) {
                z.addiRowVector(layer.getParam("b"));
            }
        }
        return z;
    }

    /**
     * The label mask as the rows of {@link #logits}, flattened in C order. DL4J's recurrent output layers keep a
     * time-series mask ([mb, T] per step, [mb, nOut, T] per output) reshaped to [mb * T, 1 or nOut] with rows in
     * time-major order ({@code t * mb + b}); those rows are put back in the order of the logits ({@code b * T + t}).
     */
    private static double[] maskValues(Pending p, INDArray mask) {
        if (mask.rank() == 3) {
            return flatC(rnnTo2d(mask, rnnFormat(p.layer.conf().getLayer())));
        }
        double[] m = flatC(mask);
        if (p.steps == 1 || mask.size(0) != (long) p.examples * p.steps) {
            return m;
        }
        int cols = (int) mask.size(1);
        double[] byExample = new double[m.length];
        for (int b = 0; b < p.examples; b++) {
            for (int t = 0; t < p.steps; t++) {
                System.arraycopy(m, (t * p.examples + b) * cols, byExample, (b * p.steps + t) * cols, cols);
            }
        }
        return byExample;
    }

    /** labels as the rows of {@link #logits}, flattened in C order. */
    private static double[] flat2d(Layer layer, INDArray a) {
        if (a.rank() == 3) {
            return flatC(rnnTo2d(a, rnnFormat(layer.conf().getLayer())));
        }
        return flatC(a);
    }

    /**
     * The values in C order, as doubles on the Java heap: one copy for a dense C-order array (ND4J's
     * {@code toFlattened} cost ~0.3 ms per call here, more than the rest of a report), a C-order {@code dup} first
     * otherwise.
     */
    private static double[] flatC(INDArray a) {
        boolean dense = a.ordering() == 'c' && a.elementWiseStride() == 1 && a.offset() == 0
                && a.data().length() == a.length();
        return (dense ? a : a.dup('c')).data().asDouble();
    }

    private static RNNFormat rnnFormat(org.deeplearning4j.nn.conf.layers.Layer c) {
        if (c instanceof RnnOutputLayer r) {
            return r.getRnnDataFormat();
        } else if (c instanceof RnnLossLayer r) {
            return r.getRnnDataFormat();
        }
        return RNNFormat.NCW;
    }

    /** [mb, n, T] (NCW) or [mb, T, n] (NWC) to [mb * T, n], row b * T + t. */
    private static INDArray rnnTo2d(INDArray a, RNNFormat format) {
        INDArray nwc = format == RNNFormat.NWC ? a : a.permute(0, 2, 1);
        return nwc.dup('c').reshape('c', nwc.size(0) * nwc.size(1), nwc.size(2));
    }

    /**
     * A forward pass's logits of one layer, waiting for its labels: [examples * steps, nOut] in C order, rows
     * {@code b * steps + t} (steps 1 for a non-recurrent layer).
     */
    private record Pending(String name, Layer layer, int iteration, double[] logits, int nOut, int examples,
                           int steps) {

        /**
         * The logits for the layer's {@code input}, copied to the Java heap (the loss may overwrite them in the
         * backward pass).
         */
        static Pending of(String name, Layer layer, int iteration, INDArray input) {
            INDArray z = SaturationListener.logits(layer, input);
            int examples = (int) input.size(0);
            return new Pending(name, layer, iteration, flatC(z), (int) z.size(1), examples,
                    (int) (z.size(0) / Math.max(1, examples)));
        }
    }

    /**
     * One report on one output layer; immutable.
     *
     * @param layer            the layer's name (DL4J names an unnamed MultiLayerNetwork layer by its index)
     * @param iteration        the network's iteration count at the step (before its update)
     * @param threshold        T
     * @param pairs            unmasked entries (examples x outputs, x time steps for RNN layers)
     * @param saturated        unmasked finite entries with {@code |x| >= T}
     * @param confidentlyWrong saturated entries on the wrong side: {@code label >= 0.5} and {@code x <= -T}, or
     *                         {@code label < 0.5} and {@code x >= T}
     * @param maxAbsLogit      the largest finite |x| over unmasked entries, 0 if none
     * @param nonFinite        unmasked entries whose logit is NaN or infinite
     */
    public record Stats(String layer, int iteration, double threshold, long pairs, long saturated,
                        long confidentlyWrong, double maxAbsLogit, long nonFinite) {

        /** @return confidentlyWrong / pairs; 0 when there are no pairs */
        public double confidentlyWrongFraction() {
            return pairs == 0 ? 0 : (double) confidentlyWrong / pairs;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "iteration %d, layer %s: %d pairs, %d saturated (|logit| >= %s),"
                            + " %d confidently wrong (%.3f%%), max |logit| %.2f, %d non-finite", iteration, layer,
                    pairs, saturated, threshold, confidentlyWrong, 100 * confidentlyWrongFraction(), maxAbsLogit,
                    nonFinite);
        }
    }
}

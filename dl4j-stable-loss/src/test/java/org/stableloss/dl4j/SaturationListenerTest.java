package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * {@link SaturationListener}'s figures against a direct count on known logits. The networks make the logits known
 * exactly: a LossLayer after a dense layer with W = I, b = 0 (logits = features), or an OutputLayer with W = 2I,
 * b = 1 (logits = 2 * features + 1, exact in float32), with SGD at learning rate 0 so nothing moves. The features place
 * logits on both sides of T = 17, at T exactly, far out, at 0 and NaN (a NaN feature makes its whole row NaN through
 * the product; NaN features only where one step is taken, since 0 times a NaN gradient is NaN);
 * labels are hard and soft.
 */
class SaturationListenerTest {

    private static final int N = 6;
    private static final int MB = 40;
    private static final double T = SaturationListener.DEFAULT_THRESHOLD;

    enum Mask { NONE, PER_EXAMPLE, PER_OUTPUT }

    /** The expected figures, by a plain loop over the logits the test built. */
    private record Expected(long pairs, long saturated, long wrong, double maxAbs, long nonFinite) {
    }

    private static Expected direct(double[][] logits, double[][] labels, double[][] mask) {
        long pairs = 0;
        long sat = 0;
        long wrong = 0;
        long nonFinite = 0;
        double maxAbs = 0;
        for (int i = 0; i < logits.length; i++) {
            for (int j = 0; j < logits[i].length; j++) {
                if (mask != null && mask[i][mask[i].length == 1 ? 0 : j] == 0) {
                    continue;
                }
                pairs++;
                double x = logits[i][j];
                if (Double.isNaN(x) || Double.isInfinite(x)) {
                    nonFinite++;
                    continue;
                }
                maxAbs = Math.max(maxAbs, Math.abs(x));
                if (Math.abs(x) >= T) {
                    sat++;
                }
                if ((labels[i][j] >= 0.5 && x <= -T) || (labels[i][j] < 0.5 && x >= T)) {
                    wrong++;
                }
            }
        }
        return new Expected(pairs, sat, wrong, maxAbs, nonFinite);
    }

    private static final double[] VALUES = {-80, -40, -17, -16.99, -8, -1, 0, 0.5, 3, 16.5, 17, 17.01, 25, 60};

    private static double[][] features(long seed) {
        double[][] f = finiteFeatures(seed);
        f[3][2] = Double.NaN;
        return f;
    }

    private static double[][] finiteFeatures(long seed) {
        Random r = new Random(seed);
        double[][] f = new double[MB][N];
        for (int i = 0; i < MB; i++) {
            for (int j = 0; j < N; j++) {
                f[i][j] = VALUES[r.nextInt(VALUES.length)];
            }
        }
        return f;
    }

    private static double[][] labels(long seed) {
        Random r = new Random(seed);
        double[][] y = new double[MB][N];
        for (double[] row : y) {
            for (int j = 0; j < N; j++) {
                int k = r.nextInt(5);
                row[j] = k == 0 ? 0.3 : k == 1 ? 0.7 : k % 2;
            }
        }
        return y;
    }

    private static double[][] mask(Mask kind, long seed) {
        if (kind == Mask.NONE) {
            return null;
        }
        Random r = new Random(seed);
        double[][] m = new double[MB][kind == Mask.PER_EXAMPLE ? 1 : N];
        for (double[] row : m) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextInt(3) == 0 ? 0 : 1;
            }
        }
        return m;
    }

    /** logits of the OutputLayer variant: 2 f + 1, a NaN row where f has a NaN. */
    private static double[][] affine(double[][] f) {
        double[][] z = new double[MB][N];
        for (int i = 0; i < MB; i++) {
            boolean nanRow = false;
            for (double v : f[i]) {
                nanRow |= Double.isNaN(v);
            }
            for (int j = 0; j < N; j++) {
                z[i][j] = nanRow ? Double.NaN : 2 * f[i][j] + 1;
            }
        }
        return z;
    }

    private static double[][] nanRows(double[][] f) {
        double[][] z = new double[MB][];
        for (int i = 0; i < MB; i++) {
            z[i] = f[i].clone();
            for (double v : f[i]) {
                if (Double.isNaN(v)) {
                    java.util.Arrays.fill(z[i], Double.NaN);
                }
            }
        }
        return z;
    }

    private static INDArray arr(double[][] a) {
        return a == null ? null : Nd4j.create(a).castTo(DataType.FLOAT);
    }

    private static void assertStats(Expected e, SaturationListener.Stats s, String layer, int iteration) {
        assertNotNull(s);
        assertEquals(layer, s.layer());
        assertEquals(iteration, s.iteration());
        assertEquals(T, s.threshold());
        assertEquals(e.pairs(), s.pairs(), "pairs");
        assertEquals(e.saturated(), s.saturated(), "saturated");
        assertEquals(e.wrong(), s.confidentlyWrong(), "confidently wrong");
        assertEquals((double) e.wrong() / e.pairs(), s.confidentlyWrongFraction(), 1e-15);
        assertEquals(e.maxAbs(), s.maxAbsLogit(), 1e-4);
        assertEquals(e.nonFinite(), s.nonFinite(), "non-finite");
    }

    /** Dense(W = I, b = 0, identity) -> LossLayer(LossSkipGram, activation): logits = features. */
    private static MultiLayerNetwork lossLayerNet(Activation activation) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Sgd(0.0)).list()
                .layer(new DenseLayer.Builder().nIn(N).nOut(N).activation(Activation.IDENTITY).build())
                .layer(new LossLayer.Builder(new LossSkipGram()).activation(activation).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getLayer(0).setParam("W", Nd4j.eye(N).castTo(DataType.FLOAT));
        net.getLayer(0).setParam("b", Nd4j.zeros(DataType.FLOAT, 1, N));
        return net;
    }

    /** OutputLayer(W = 2I, b = 1, activation, loss) alone: logits = 2 features + 1. */
    private static MultiLayerNetwork outputLayerNet(Activation activation, ILossFunction loss) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Sgd(0.0)).list()
                .layer(new OutputLayer.Builder(loss).name("out").nIn(N).nOut(N).activation(activation).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getLayer(0).setParam("W", Nd4j.eye(N).muli(2).castTo(DataType.FLOAT));
        net.getLayer(0).setParam("b", Nd4j.ones(DataType.FLOAT, 1, N));
        return net;
    }

    @ParameterizedTest
    @EnumSource(Mask.class)
    void multiLayerLossLayerIdentityAndSigmoid(Mask kind) {
        for (Activation act : List.of(Activation.IDENTITY, Activation.SIGMOID)) {
            double[][] f = features(1);
            double[][] y = labels(2);
            double[][] m = mask(kind, 3);
            MultiLayerNetwork net = lossLayerNet(act);
            SaturationListener listener = new SaturationListener(1);
            net.setListeners(listener);
            assertNull(listener.last());
            net.fit(new DataSet(arr(f), arr(y), null, arr(m)));
            assertStats(direct(nanRows(f), y, m), listener.last(), "layer1", 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Mask.class)
    void multiLayerOutputLayerRecomputesLogits(Mask kind) {
        for (ILossFunction loss : List.of(new LossSkipGram(), new LossBinaryXENT())) {
            double[][] f = features(4);
            double[][] y = labels(5);
            double[][] m = mask(kind, 6);
            MultiLayerNetwork net = outputLayerNet(Activation.SIGMOID, loss);
            SaturationListener listener = new SaturationListener(1);
            net.setListeners(listener);
            net.fit(new DataSet(arr(f), arr(y), null, arr(m)));
            assertStats(direct(affine(f), y, m), listener.last(), "out", 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Mask.class)
    void computationGraphTwoOutputs(Mask kind) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Sgd(0.0)).graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(N).nOut(N).activation(Activation.IDENTITY).build(),
                        "in")
                .addLayer("loss", new LossLayer.Builder(new LossSkipGram()).activation(Activation.IDENTITY).build(),
                        "dense")
                .addLayer("out", new OutputLayer.Builder(new LossBinaryXENT()).nIn(N).nOut(N)
                        .activation(Activation.SIGMOID).build(), "in")
                .setOutputs("loss", "out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        g.getLayer("dense").setParam("W", Nd4j.eye(N).castTo(DataType.FLOAT));
        g.getLayer("dense").setParam("b", Nd4j.zeros(DataType.FLOAT, 1, N));
        g.getLayer("out").setParam("W", Nd4j.eye(N).muli(2).castTo(DataType.FLOAT));
        g.getLayer("out").setParam("b", Nd4j.ones(DataType.FLOAT, 1, N));
        SaturationListener listener = new SaturationListener(2);
        g.setListeners(listener);
        double[][] f = finiteFeatures(7); // finite: three steps, and a NaN gradient would reach the parameters
        double[][] y1 = labels(8);
        double[][] y2 = labels(9);
        double[][] m1 = mask(kind, 10);
        double[][] m2 = mask(kind, 11);
        MultiDataSet data = new MultiDataSet(new INDArray[]{arr(f)}, new INDArray[]{arr(y1), arr(y2)}, null,
                kind == Mask.NONE ? null : new INDArray[]{arr(m1), arr(m2)});
        for (int i = 0; i < 3; i++) {
            g.fit(data);
        }
        List<SaturationListener.Stats> report = listener.lastReport();
        assertEquals(2, report.size());
        assertStats(direct(nanRows(f), y1, m1), report.get(0), "loss", 2);
        assertStats(direct(affine(f), y2, m2), report.get(1), "out", 2);
        assertEquals(report.get(1), listener.last());
    }

    /**
     * RnnOutputLayer(W = 2I, b = 1) alone on [MB / 5, N, 5] sequences, in both RNN data formats, without a mask,
     * with a per-time-step label mask [mb, T] and (NCW) a per-output one [mb, N, T]: the listener's logits are
     * {@code 2 f + 1} at every example and time step, counted as the rows (example, step) of the direct count. DL4J
     * keeps these masks reshaped to time-major rows, which the listener must put back in the logits' order.
     */
    @ParameterizedTest
    @EnumSource(RNNFormat.class)
    void recurrentOutputLayerCountsEveryUnmaskedTimeStep(RNNFormat format) {
        int steps = 5;
        int examples = MB / steps;
        for (Mask kind : Mask.values()) {
            if (kind == Mask.PER_OUTPUT && format == RNNFormat.NWC) {
                continue; // M2.1's RnnOutputLayer reads a per-output mask as [mb, nOut, T] whatever the format
            }
            for (ILossFunction loss : List.of(new LossSkipGram(), new LossBinaryXENT())) {
                double[][] f = finiteFeatures(12); // rows: example * steps + step
                double[][] y = labels(13);
                double[][] m = mask(kind, 14);
                MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                        .updater(new Sgd(0.0)).list()
                        .layer(new RnnOutputLayer.Builder(loss).name("seq").nIn(N).nOut(N)
                                .activation(Activation.SIGMOID).dataFormat(format).build())
                        .build();
                MultiLayerNetwork net = new MultiLayerNetwork(conf);
                net.init();
                net.getLayer(0).setParam("W", Nd4j.eye(N).muli(2).castTo(DataType.FLOAT));
                net.getLayer(0).setParam("b", Nd4j.ones(DataType.FLOAT, 1, N));
                SaturationListener listener = new SaturationListener(1);
                net.setListeners(listener);
                INDArray labelMask = switch (kind) {
                    case NONE -> null;
                    case PER_EXAMPLE -> arr(m).reshape(examples, steps);
                    case PER_OUTPUT -> sequences(m, examples, steps, RNNFormat.NCW);
                };
                net.fit(new DataSet(sequences(f, examples, steps, format), sequences(y, examples, steps, format),
                        null, labelMask));
                assertStats(direct(affine(f), y, m), listener.last(), "seq", 0);
            }
        }
    }

    /** Rows {@code example * steps + step} of {@code rows} as [examples, N, steps] (NCW) or [examples, steps, N]. */
    private static INDArray sequences(double[][] rows, int examples, int steps, RNNFormat format) {
        INDArray nwc = arr(rows).reshape(examples, steps, N);
        return format == RNNFormat.NWC ? nwc : nwc.permute(0, 2, 1).dup('c');
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new SaturationListener(0));
        assertThrows(IllegalArgumentException.class, () -> new SaturationListener(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new SaturationListener(1, 0));
        assertEquals(SaturationListener.DEFAULT_FREQUENCY, new SaturationListener().frequency());
        assertEquals(5.0, new SaturationListener(3, 5.0).threshold());
    }
}

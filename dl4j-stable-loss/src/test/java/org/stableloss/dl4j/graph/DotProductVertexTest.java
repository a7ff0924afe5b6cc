package org.stableloss.dl4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.stableloss.dl4j.DoublePrecision;
import org.stableloss.dl4j.PlantedTags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.stableloss.dl4j.LossSkipGram;

/**
 * {@link DotProductVertex} in skip-gram graphs: DL4J's gradient check (DOUBLE) through embeddings, the vertex and
 * {@link LossSkipGram}, for one context and for K contexts with per-output masks; JSON round trip; errors; mask
 * propagation; forward values per dtype against a plain Java dot product; and a graph that learns a planted
 * structure.
 */
@ExtendWith(DoublePrecision.class)
class DotProductVertexTest {

    private static final int VOCAB = 7;
    private static final int DIM = 4;

    /** EmbeddingLayer (anchor) and EmbeddingLayer (one context) -> dot -> LossLayer: logits [mb, 1]. */
    private static ComputationGraph pairGraph(DataType dt, IUpdater updater, int contextDim, LossSkipGram loss) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).dataType(dt)
                .updater(updater).weightInit(WeightInit.NORMAL).graphBuilder()
                .addInputs("anchorIdx", "contextIdx")
                .addLayer("anchor", new EmbeddingLayer.Builder().nIn(VOCAB).nOut(DIM)
                        .activation(Activation.IDENTITY).build(), "anchorIdx")
                .addLayer("context", new EmbeddingLayer.Builder().nIn(VOCAB).nOut(contextDim)
                        .activation(Activation.IDENTITY).build(), "contextIdx")
                .addVertex("dot", new DotProductVertex(), "anchor", "context")
                .addLayer("loss", new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(), "dot")
                .setOutputs("loss").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** EmbeddingLayer (anchor) and EmbeddingSequenceLayer (K contexts) -> dot -> LossLayer: logits [mb, K]. */
    private static ComputationGraph sequenceGraph(DataType dt, IUpdater updater, int k, LossSkipGram loss) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).dataType(dt)
                .updater(updater).weightInit(WeightInit.NORMAL).graphBuilder()
                .addInputs("anchorIdx", "contextIdx")
                .addLayer("anchor", new EmbeddingLayer.Builder().nIn(VOCAB).nOut(DIM)
                        .activation(Activation.IDENTITY).build(), "anchorIdx")
                .addLayer("contexts", new EmbeddingSequenceLayer.Builder().nIn(VOCAB).nOut(DIM).inputLength(k)
                        .activation(Activation.IDENTITY).build(), "contextIdx")
                .addVertex("dot", new DotProductVertex(), "anchor", "contexts")
                .addLayer("loss", new LossLayer.Builder(loss).activation(Activation.IDENTITY).build(), "dot")
                .setOutputs("loss").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static INDArray indices(Random r, int rows, int cols) {
        INDArray a = Nd4j.create(DataType.DOUBLE, rows, cols);
        for (int i = 0; i < rows * cols; i++) {
            a.putScalar(i, r.nextInt(VOCAB));
        }
        return a;
    }

    @Test
    void pairGraphPassesGradientCheck() {
        ComputationGraph net = pairGraph(DataType.DOUBLE, new NoOp(), DIM, LossSkipGram.builder()
                .positiveWeight(2).build());
        Random r = new Random(1);
        INDArray labels = Nd4j.createFromArray(new double[][] {{1}, {0}, {1}, {0}, {0}});
        INDArray labelMask = Nd4j.createFromArray(new double[][] {{1}, {1}, {0}, {1}, {0.5}});
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {indices(r, 5, 1), indices(r, 5, 1)}).labels(new INDArray[] {labels})
                .labelMask(new INDArray[] {labelMask})));
    }

    @Test
    void sequenceGraphWithNegativesAndPerOutputMasksPassesGradientCheck() {
        int k = 4;
        ComputationGraph net = sequenceGraph(DataType.DOUBLE, new NoOp(), k, new LossSkipGram());
        Random r = new Random(2);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 3, k);
        labels.getColumn(0).assign(1);
        INDArray labelMask = Nd4j.createFromArray(new double[][] {{1, 1, 1, 1}, {1, 1, 0, 0}, {1, 0, 1, 0}});
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {indices(r, 3, 1), indices(r, 3, k)}).labels(new INDArray[] {labels})
                .labelMask(new INDArray[] {labelMask})));
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraphConfiguration conf = sequenceGraph(DataType.FLOAT, new Adam(0.01), 3,
                LossSkipGram.builder().clamped(1e-3).build()).getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertEquals(new DotProductVertex(), back.getVertices().get("dot"));
        ComputationGraph net = new ComputationGraph(back);
        net.init();
        assertArrayEquals(new long[] {2, 3}, net.outputSingle(Nd4j.createFromArray(new double[][] {{1}, {2}}),
                Nd4j.createFromArray(new double[][] {{0, 1, 2}, {3, 4, 5}})).shape());
    }

    @Test
    void mismatchedSizesAndRanksAreRejectedNamingBothShapes() {
        ComputationGraph net = pairGraph(DataType.FLOAT, new NoOp(), DIM + 1, new LossSkipGram());
        INDArray idx = Nd4j.createFromArray(new double[][] {{1}, {2}});
        assertMessage(() -> net.outputSingle(idx, idx), "DotProductVertex 'dot'", "anchor [2, 4]", "context [2, 5]");

        DotProductVertex v = new DotProductVertex();
        assertInvalid(() -> v.getOutputType(-1, InputType.feedForward(4), InputType.feedForward(5)),
                "same size d");
        assertInvalid(() -> v.getOutputType(-1, InputType.feedForward(4), InputType.recurrent(5, 3)),
                "same size d");
        assertInvalid(() -> v.getOutputType(-1, InputType.recurrent(4, 3), InputType.feedForward(4)),
                "anchor (input 0) must be feed-forward");
        assertInvalid(() -> v.getOutputType(-1, InputType.feedForward(4), InputType.convolutional(2, 2, 1)),
                "context (input 1) must be feed-forward [mb, d] or recurrent [mb, d, K]");
        assertInvalid(() -> v.getOutputType(-1, InputType.feedForward(4), InputType.recurrent(4, 3, RNNFormat.NWC)),
                "NCW");
        assertEquals(InputType.feedForward(1), v.getOutputType(-1, InputType.feedForward(4),
                InputType.feedForward(4)));
        assertEquals(InputType.feedForward(3), v.getOutputType(-1, InputType.feedForward(4),
                InputType.recurrent(4, 3)));
    }

    @Test
    void contextMasksPassThroughToTheLoss() {
        int k = 3;
        ComputationGraph net = sequenceGraph(DataType.DOUBLE, new NoOp(), k, new LossSkipGram());
        Random r = new Random(3);
        INDArray anchors = indices(r, 4, 1);
        INDArray contexts = indices(r, 4, k);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, 4, k);
        labels.getColumn(0).assign(1);
        INDArray mask = Nd4j.createFromArray(new double[][] {{1, 1, 1}, {1, 0, 0}, {1, 1, 0}, {1, 0, 1}});
        MultiDataSet withFeatureMask = new MultiDataSet(new INDArray[] {anchors, contexts},
                new INDArray[] {labels}, new INDArray[] {null, mask}, null);
        MultiDataSet withLabelMask = new MultiDataSet(new INDArray[] {anchors, contexts},
                new INDArray[] {labels}, null, new INDArray[] {mask});
        MultiDataSet unmasked = new MultiDataSet(new INDArray[] {anchors, contexts}, new INDArray[] {labels});
        double masked = net.score(withLabelMask);
        assertEquals(masked, net.score(withFeatureMask), 1e-12 * masked);
        assertTrue(net.score(unmasked) > masked);
    }

    /** The vertex alone: inputs straight into the dot product, in the network's dtype. */
    private static ComputationGraph vertexOnly(DataType dt) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(dt).graphBuilder()
                .addInputs("a", "c").addVertex("dot", new DotProductVertex(), "a", "c").setOutputs("dot").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    @ParameterizedTest
    @ValueSource(strings = {"DOUBLE", "FLOAT", "HALF"})
    void forwardAgreesWithAPlainJavaDotProduct(String dtype) {
        DataType dt = DataType.valueOf(dtype);
        double unitRoundoff = switch (dt) {
            case DOUBLE -> Math.ulp(1.0) / 2;
            case FLOAT -> Math.ulp(1.0f) / 2;
            default -> Math.scalb(1.0, -11);
        };
        int mb = 3;
        int d = 8;
        int k = 5;
        Random r = new Random(4);
        INDArray a = uniform(r, mb, d).castTo(dt);
        INDArray c2 = uniform(r, mb, d).castTo(dt);
        INDArray c3 = uniform(r, mb, d, k).castTo(dt);
        ComputationGraph net = vertexOnly(dt);
        INDArray out2 = net.outputSingle(a, c2);
        INDArray out3 = net.outputSingle(a, c3);
        assertEquals(dt, out2.dataType());
        assertArrayEquals(new long[] {mb, 1}, out2.shape());
        assertArrayEquals(new long[] {mb, k}, out3.shape());
        for (int b = 0; b < mb; b++) {
            assertDot(a, c2, b, -1, out2.getDouble(b, 0), d, unitRoundoff);
            for (int j = 0; j < k; j++) {
                assertDot(a, c3, b, j, out3.getDouble(b, j), d, unitRoundoff);
            }
        }
    }

    /** Values uniform in [-2, 2]. */
    private static INDArray uniform(Random r, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, 4 * r.nextDouble() - 2);
        }
        return a;
    }

    /** Java dot product in double of the held values; error bound d * u * sum |a_i c_i| plus the final rounding. */
    private static void assertDot(INDArray a, INDArray c, int b, int j, double actual, int d, double u) {
        double dot = 0;
        double abs = 0;
        for (int i = 0; i < d; i++) {
            double p = a.getDouble(b, i) * (j < 0 ? c.getDouble(b, i) : c.getDouble(b, i, j));
            dot += p;
            abs += Math.abs(p);
        }
        assertEquals(dot, actual, (d + 1) * u * abs, "row " + b + ", context " + j);
    }

    /**
     * Planted structure: sample s belongs to group s % 4, whose tags are 3g..3g+2; one positive pair per sample is
     * held out. Rows are (sample, tag) pairs with label 1, plus random pairs with label 0.
     */
    @Test
    void learnsAPlantedSampleTagStructure() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        PlantedTags planted = new PlantedTags();
        int samples = PlantedTags.SAMPLES;
        int tags = PlantedTags.TAGS;
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                .updater(new Adam(0.1)).weightInit(WeightInit.NORMAL).graphBuilder()
                .addInputs("sample", "tag")
                .addLayer("sampleEmb", new EmbeddingLayer.Builder().nIn(samples).nOut(8)
                        .activation(Activation.IDENTITY).build(), "sample")
                .addLayer("tagEmb", new EmbeddingLayer.Builder().nIn(tags).nOut(8)
                        .activation(Activation.IDENTITY).build(), "tag")
                .addVertex("dot", new DotProductVertex(), "sampleEmb", "tagEmb")
                .addLayer("loss", new LossLayer.Builder(new LossSkipGram()).activation(Activation.IDENTITY)
                        .build(), "dot")
                .setOutputs("loss").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        List<int[]> train = planted.train;
        Random r = new Random(6);
        int negatives = 3;
        int rows = train.size() * (1 + negatives);
        for (int epoch = 0; epoch < 60; epoch++) {
            INDArray s = Nd4j.create(DataType.FLOAT, rows, 1);
            INDArray t = Nd4j.create(DataType.FLOAT, rows, 1);
            INDArray y = Nd4j.zeros(DataType.FLOAT, rows, 1);
            int row = 0;
            for (int[] pair : train) {
                s.putScalar(row, pair[0]);
                t.putScalar(row, pair[1]);
                y.putScalar(row++, 1);
                for (int n = 0; n < negatives; n++) {
                    s.putScalar(row, pair[0]);
                    t.putScalar(row++, r.nextInt(tags));
                }
            }
            net.fit(new MultiDataSet(new INDArray[] {s, t}, new INDArray[] {y}));
        }
        INDArray scores = net.getParam("sampleEmb_W").mmul(net.getParam("tagEmb_W").transpose());
        double auc = planted.heldOutAuc(scores);
        assertTrue(auc > 0.95, "held-out pairs outrank other groups' tags in " + auc + " of the comparisons");
    }

    private static void assertMessage(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    private static void assertInvalid(Executable call, String fragment) {
        InvalidInputTypeException e = assertThrows(InvalidInputTypeException.class, call);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}

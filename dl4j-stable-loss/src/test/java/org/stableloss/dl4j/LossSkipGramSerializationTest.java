package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import java.util.stream.Stream;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The loss survives every way DL4J and Spark persist or ship it: MultiLayerConfiguration and
 * ComputationGraphConfiguration JSON, ModelSerializer (zip with the JSON config and parameters) for both network
 * kinds, and plain Java serialization (Spark broadcasts). "Intact" means: equal to the original (equals/hashCode),
 * the same mode, eps and weights through the public getters, bit-identical computeGradientAndScore on the same arrays
 * (hard and soft labels, with a mask), and for saved models bit-identical network scores. The results are compared
 * on the host path's scalar loops ({@code Math.exp}, {@code Math.log}), which give the same bits on every call: the
 * vector kernels may round a last bit differently in a call the JIT has not yet compiled (docs/performance.md,
 * "Reproducibility"), which would make bit-identity a race rather than a test of the round trip.
 */
class LossSkipGramSerializationTest {

    @BeforeEach
    void scalarHostLoops() {
        System.setProperty(FastPath.PROPERTY, "scalar");
    }

    @AfterEach
    void restorePath() {
        System.clearProperty(FastPath.PROPERTY);
    }

    private static final int N_OUT = 4;
    private static final String FQCN = "org.stableloss.dl4j.LossSkipGram";

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of("exact default", new LossSkipGram()),
                Arguments.of("clamped 1e-3", LossSkipGram.builder().clamped(1e-3).build()),
                Arguments.of("weighted", LossSkipGram.builder().positiveWeight(2).negativeWeight(0.5)
                        .weights(Nd4j.createFromArray(new double[] {0.5, 1.0, 2.0, 3.0}).reshape(1, N_OUT))
                        .build()),
                Arguments.of("clamped weighted (FLOAT weights)", LossSkipGram.builder().clamped(1e-3)
                        .positiveWeight(2).negativeWeight(0.5)
                        .weights(Nd4j.createFromArray(new float[] {0.1f, 1f, 2f, 0f})).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void multiLayerConfigurationJsonRoundTrip(String name, LossSkipGram loss) {
        MultiLayerConfiguration conf = mlnConf(loss);
        String json = conf.toJson();
        assertTrue(json.contains("\"" + FQCN + "\""), "JSON lacks the class name " + FQCN + ":\n" + json);

        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back, "configuration changed by its JSON round trip");
        assertIntact(loss, lossOf(back.getConf(1).getLayer()));
        assertEquals(json, back.toJson(), "JSON not stable under a second round trip");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void computationGraphConfigurationJsonRoundTrip(String name, LossSkipGram loss) {
        ComputationGraphConfiguration conf = graphConf(loss);
        String json = conf.toJson();
        assertTrue(json.contains("\"" + FQCN + "\""), "JSON lacks the class name " + FQCN + ":\n" + json);

        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(conf, back, "configuration changed by its JSON round trip");
        assertIntact(loss, lossOf(((LayerVertex) back.getVertices().get("out")).getLayerConf().getLayer()));
        assertIntact(loss, lossOf(((LayerVertex) back.getVertices().get("out2")).getLayerConf().getLayer()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void modelSerializerRoundTripsMultiLayerNetwork(String name, LossSkipGram loss) throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(mlnConf(loss));
        net.init();
        Random r = new Random(11);
        DataSet ds = new DataSet(TestArrays.gaussian(r, 5, 3), hardLabels(r, 5, N_OUT));
        net.fit(ds); // non-trivial parameters and updater state

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(
                new ByteArrayInputStream(bytes.toByteArray()), true);

        assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
        assertIntact(loss, lossOf(back.getLayerWiseConfigurations().getConf(1).getLayer()));
        assertArrayEquals(net.params().toDoubleVector(), back.params().toDoubleVector(), 0.0);
        assertEquals(net.score(ds), back.score(ds), 0.0, "restored network scores differently");
        assertArrayEquals(net.scoreExamples(ds, false).toDoubleVector(),
                back.scoreExamples(ds, false).toDoubleVector(), 0.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void modelSerializerRoundTripsComputationGraph(String name, LossSkipGram loss) throws IOException {
        ComputationGraph net = new ComputationGraph(graphConf(loss));
        net.init();
        Random r = new Random(12);
        MultiDataSet mds = new MultiDataSet(new INDArray[] {indices(r, 6), indices(r, 6)},
                new INDArray[] {hardLabels(r, 6, N_OUT), hardLabels(r, 6, N_OUT)});
        net.fit(mds);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(
                new ByteArrayInputStream(bytes.toByteArray()), true);

        assertEquals(net.getConfiguration(), back.getConfiguration());
        assertIntact(loss, lossOf(((LayerVertex) back.getConfiguration().getVertices().get("out"))
                .getLayerConf().getLayer()));
        assertIntact(loss, lossOf(((LayerVertex) back.getConfiguration().getVertices().get("out2"))
                .getLayerConf().getLayer()));
        assertArrayEquals(net.params().toDoubleVector(), back.params().toDoubleVector(), 0.0);
        assertEquals(net.score(mds), back.score(mds), 0.0, "restored graph scores differently");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void javaSerializationRoundTrip(String name, LossSkipGram loss) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(loss);
        }
        Object back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = in.readObject();
        }
        assertInstanceOf(LossSkipGram.class, back);
        assertIntact(loss, (ILossFunction) back);
    }

    /** Equal, same parameters, and bit-identical results on the same arrays. */
    private static void assertIntact(LossSkipGram original, ILossFunction restored) {
        assertInstanceOf(LossSkipGram.class, restored);
        LossSkipGram back = (LossSkipGram) restored;
        assertNotSame(original, back, "test setup: expected a new instance");
        assertEquals(original, back);
        assertEquals(original.hashCode(), back.hashCode());
        assertEquals(original.toString(), back.toString());
        assertEquals(original.getMode(), back.getMode());
        assertEquals(Double.doubleToLongBits(original.getEps()), Double.doubleToLongBits(back.getEps()));
        assertEquals(original.getPositiveWeight(), back.getPositiveWeight(), 0.0);
        assertEquals(original.getNegativeWeight(), back.getNegativeWeight(), 0.0);
        if (original.getWeights() == null) {
            assertEquals(null, back.getWeights());
        } else {
            assertArrayEquals(original.getWeights().toDoubleVector(), back.getWeights().toDoubleVector(), 0.0);
        }

        Random r = new Random(5);
        for (DataType dt : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            INDArray logits = TestArrays.gaussian(r, 7, N_OUT).muli(6).castTo(dt);
            INDArray hard = hardLabels(r, 7, N_OUT).castTo(dt);
            INDArray soft = Nd4j.rand(dt, 7, N_OUT);
            INDArray mask = hardLabels(r, 7, 1).castTo(dt);
            for (INDArray labels : new INDArray[] {hard, soft}) {
                for (INDArray m : new INDArray[] {null, mask}) {
                    for (boolean sigmoid : new boolean[] {false, true}) {
                        var act = sigmoid ? new ActivationSigmoid() : new ActivationIdentity();
                        Pair<Double, INDArray> a = original.computeGradientAndScore(labels, logits, act, m, false);
                        Pair<Double, INDArray> b = back.computeGradientAndScore(labels, logits, act, m, false);
                        assertEquals(a.getFirst(), b.getFirst(), 0.0, "score differs after the round trip");
                        assertEquals(dt, b.getSecond().dataType());
                        assertArrayEquals(a.getSecond().castTo(DataType.DOUBLE).toDoubleMatrix(),
                                b.getSecond().castTo(DataType.DOUBLE).toDoubleMatrix(),
                                "gradient differs after the round trip");
                    }
                }
            }
        }
    }

    private static ILossFunction lossOf(Layer layer) {
        if (layer instanceof BaseOutputLayer o) {
            return o.getLossFn();
        }
        if (layer instanceof LossLayer l) {
            return l.getLossFn();
        }
        throw new AssertionError("not an output layer: " + layer);
    }

    private static MultiLayerConfiguration mlnConf(ILossFunction loss) {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).nIn(5).nOut(N_OUT).activation(Activation.IDENTITY).build())
                .build();
    }

    /** Two embeddings, their product, and two heads: an OutputLayer and a LossLayer (SIGMOID, fused). */
    private static ComputationGraphConfiguration graphConf(ILossFunction loss) {
        return new NeuralNetConfiguration.Builder().seed(4).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("anchor", "context")
                .addLayer("embA", new EmbeddingLayer.Builder().nIn(9).nOut(N_OUT)
                        .activation(Activation.IDENTITY).build(), "anchor")
                .addLayer("embC", new EmbeddingLayer.Builder().nIn(9).nOut(N_OUT)
                        .activation(Activation.IDENTITY).build(), "context")
                .addVertex("prod", new ElementWiseVertex(ElementWiseVertex.Op.Product), "embA", "embC")
                .addLayer("out", new OutputLayer.Builder(loss).nIn(N_OUT).nOut(N_OUT)
                        .activation(Activation.IDENTITY).build(), "prod")
                .addLayer("out2", new LossLayer.Builder(loss).activation(Activation.SIGMOID).build(), "prod")
                .setOutputs("out", "out2")
                .build();
    }

    private static INDArray hardLabels(Random r, int rows, int cols) {
        double[][] v = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                v[i][j] = r.nextInt(2);
            }
        }
        return Nd4j.createFromArray(v);
    }

    private static INDArray indices(Random r, int rows) {
        double[][] v = new double[rows][1];
        for (int i = 0; i < rows; i++) {
            v[i][0] = r.nextInt(9);
        }
        return Nd4j.createFromArray(v).castTo(DataType.FLOAT);
    }
}

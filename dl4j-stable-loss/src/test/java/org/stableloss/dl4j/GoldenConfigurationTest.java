package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.stableloss.dl4j.graph.DotProductVertex;

/**
 * Configurations saved by the first release still load: the files under {@code golden/} were written once by the
 * 0.1.0-SNAPSHOT code (loss JSON for each mode and weighting, a MultiLayerNetwork and a ComputationGraph
 * configuration, a ModelSerializer zip) and are never rewritten by a test. Each must load into exactly the
 * configuration the builder makes today, and the loss must still write the same JSON.
 */
class GoldenConfigurationTest {

    static final LossSkipGram EXACT = new LossSkipGram();
    static final LossSkipGram CLAMPED = LossSkipGram.builder().clamped(1e-4).build();
    static final LossSkipGram PAIR_WEIGHTS = LossSkipGram.builder().positiveWeight(2).negativeWeight(0.5).build();
    static final LossSkipGram OUTPUT_WEIGHTS = LossSkipGram.builder()
            .weights(Nd4j.createFromArray(new double[] {0.5, 1.0, 2.0, 0.0})).build();
    static final LossSkipGram CLAMPED_WEIGHTED = LossSkipGram.builder().clamped(1e-4).positiveWeight(3)
            .negativeWeight(0.25).weights(Nd4j.createFromArray(new double[] {1.0, 0.1, 0.0, 4.0})).build();

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of("loss-exact.json", EXACT),
                Arguments.of("loss-clamped.json", CLAMPED),
                Arguments.of("loss-pair-weights.json", PAIR_WEIGHTS),
                Arguments.of("loss-output-weights.json", OUTPUT_WEIGHTS),
                Arguments.of("loss-clamped-weighted.json", CLAMPED_WEIGHTED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossJsonLoadsAsTheBuilderMakesItAndIsWrittenTheSame(String file, LossSkipGram expected) throws IOException {
        String json = golden(file);
        ILossFunction loaded = NeuralNetConfiguration.mapper().readValue(json, ILossFunction.class);
        assertInstanceOf(LossSkipGram.class, loaded);
        assertEquals(expected, loaded);
        assertEquals(json.strip(), NeuralNetConfiguration.mapper().writerFor(ILossFunction.class)
                .writeValueAsString(expected).strip(), "the loss writes different JSON than the saved " + file);
    }

    @Test
    void multiLayerConfigurationLoads() {
        MultiLayerConfiguration loaded = MultiLayerConfiguration.fromJson(golden("multilayer-configuration.json"));
        MultiLayerConfiguration today = new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(CLAMPED_WEIGHTED).nIn(5).nOut(4).activation(Activation.IDENTITY)
                        .build())
                .build();
        assertEquals(CLAMPED_WEIGHTED, ((OutputLayer) loaded.getConf(1).getLayer()).getLossFn());
        assertEquals(today, loaded);
    }

    @Test
    void computationGraphConfigurationLoads() {
        ComputationGraphConfiguration loaded =
                ComputationGraphConfiguration.fromJson(golden("computation-graph-configuration.json"));
        ComputationGraphConfiguration today = new NeuralNetConfiguration.Builder().seed(4).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("anchor", "context")
                .addLayer("embA", new EmbeddingLayer.Builder().nIn(9).nOut(4).activation(Activation.IDENTITY)
                        .build(), "anchor")
                .addLayer("embC", new EmbeddingLayer.Builder().nIn(9).nOut(4).activation(Activation.IDENTITY)
                        .build(), "context")
                .addVertex("dot", new DotProductVertex(), "embA", "embC")
                .addLayer("out", new LossLayer.Builder(PAIR_WEIGHTS).activation(Activation.IDENTITY).build(), "dot")
                .setOutputs("out").build();
        LossLayer out = (LossLayer) ((LayerVertex) loaded.getVertices().get("out")).getLayerConf().getLayer();
        assertEquals(PAIR_WEIGHTS, out.getLossFn());
        assertEquals(today, loaded);
    }

    @Test
    void modelSerializerZipLoadsAndScores() throws IOException {
        MultiLayerNetwork net;
        try (InputStream in = resource("multilayer-network.zip")) {
            net = ModelSerializer.restoreMultiLayerNetwork(in, false);
        }
        MultiLayerConfiguration today = new NeuralNetConfiguration.Builder().seed(5).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(2).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(CLAMPED).nIn(2).nOut(4).activation(Activation.IDENTITY).build())
                .build();
        assertEquals(CLAMPED, ((OutputLayer) net.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn());
        new MultiLayerNetwork(today).init(); // a restored configuration has its layers' variables listed
        assertEquals(today, net.getLayerWiseConfigurations());

        INDArray features = Nd4j.createFromArray(new float[][] {{0.1f, -2f, 3f}, {1f, 0f, -1f}});
        INDArray labels = Nd4j.createFromArray(new float[][] {{1, 0, 0, 0}, {0, 1, 0, 1}});
        INDArray logits = net.output(features);
        double expected = CLAMPED.computeScore(labels, logits, Activation.IDENTITY.getActivationFunction(), null,
                false) / 2;
        assertEquals(expected, net.score(new DataSet(features, labels)), 1e-6 * expected,
                "the restored network's score is its loss on its own outputs");
        assertEquals(DataType.FLOAT, logits.dataType());
    }

    static String golden(String file) {
        try (InputStream in = resource(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String file) {
        InputStream in = GoldenConfigurationTest.class.getResourceAsStream("/golden/" + file);
        if (in == null) {
            throw new IllegalStateException("test resource golden/" + file + " is missing");
        }
        return in;
    }
}

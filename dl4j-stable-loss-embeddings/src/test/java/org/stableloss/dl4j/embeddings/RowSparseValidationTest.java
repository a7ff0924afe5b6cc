package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** Bad indices and bad configurations get an IllegalArgumentException naming the value; inputs are not modified. */
class RowSparseValidationTest {

    private static void assertRejected(Supplier<?> call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void badIndicesAreRejectedByValueAndPosition() {
        ComputationGraph g = SkipGramNets.graph(10, 6, 4, 2, new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.1, false),
                new NoOp(), DataType.FLOAT, true, 1);
        INDArray tags = Nd4j.createFromArray(new float[][] {{0, 1, 2}, {3, 4, 5}});
        INDArray sample = Nd4j.createFromArray(new float[][] {{1}, {-3}});
        INDArray copy = sample.dup();
        assertRejected(() -> g.outputSingle(sample, tags), "indices", "[0, 10)", "-3.0", "[1, 0]", "1 bad value");
        assertEquals(copy, sample, "input must not be modified");
        assertRejected(() -> g.outputSingle(Nd4j.createFromArray(new float[][] {{10}, {12}}), tags), "10.0",
                "[0, 0]", "2 bad values");
        assertRejected(() -> g.outputSingle(Nd4j.createFromArray(new float[][] {{1}, {2.5f}}), tags), "2.5");
        assertRejected(() -> g.outputSingle(Nd4j.createFromArray(new float[][] {{Float.NaN}, {2}}), tags), "NaN");
        assertRejected(() -> g.outputSingle(sample.dup().putScalar(1, 0, 2), Nd4j.createFromArray(
                new float[][] {{0, 1, 6}, {3, 4, 5}})), "[0, 6)", "6.0", "[0, 2]");
    }

    @Test
    void badConfigurationsAreRejectedByName() {
        assertRejected(() -> new RowSparseEmbeddingLayer.Builder().nIn(0).nOut(4).build(), "nIn", "got 0");
        assertRejected(() -> new RowSparseEmbeddingLayer.Builder().nIn(5).build(), "nOut", "got 0");
        assertRejected(() -> new RowSparseEmbeddingLayer.Builder().nIn(5).nOut(4).rowLearningRate(0).build(),
                "rowLearningRate", "0.0");
        assertRejected(() -> new RowSparseEmbeddingLayer.Builder().nIn(5).nOut(4).rowLearningRate(-1).build(),
                "rowLearningRate", "-1.0");
        assertRejected(() -> new RowSparseEmbeddingLayer.Builder().nIn(5).nOut(4).rowLearningRate(Double.NaN)
                .build(), "rowLearningRate", "NaN");
        assertRejected(() -> new RowSparseEmbeddingLayer.Builder().nIn(5).nOut(4).rowEpsilon(-1e-3).build(),
                "rowEpsilon", "-0.001");
        assertRejected(() -> new RowSparseEmbeddingLayer.Builder().nIn(5).nOut(4).rowOptimizer(null).build(),
                "rowOptimizer");
        assertRejected(() -> new RowSparseEmbeddingSequenceLayer.Builder().nIn(5).nOut(4).inputLength(0).build(),
                "inputLength", "got 0");
        assertRejected(() -> new RowSparseEmbeddingLayer.Builder().nIn(5).nOut(4).dropOut(0.5).build(), "dropout");
    }

    @Test
    void aConfigurationReadFromBadJsonIsRejectedWhenTheNetworkIsBuilt() {
        ComputationGraph g = SkipGramNets.graph(10, 6, 4, 2, new SkipGramNets.Rows(RowOptimizer.SGD, 0.1, false),
                new NoOp(), DataType.FLOAT, true, 1);
        String json = g.getConfiguration().toJson().replace("\"rowLearningRate\" : 0.1", "\"rowLearningRate\" : -2.0");
        assertTrue(json.contains("-2.0"), "the test must edit the JSON");
        var conf = org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(json);
        assertRejected(() -> {
            new ComputationGraph(conf).init();
            return null;
        }, "rowLearningRate", "-2.0");
    }

    /** An initial table given to the builder is loaded row by row (and sets nIn and nOut); the array is not changed. */
    @Test
    void initialTableFromAnArray() {
        INDArray vectors = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}});
        INDArray copy = vectors.dup();
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(new RowSparseEmbeddingLayer.Builder().weightInit(vectors).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(3).nOut(1)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .build();
        var net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(conf);
        net.init();
        assertEquals(vectors, net.getLayer(0).getParam("W"));
        assertEquals(copy, vectors);
        assertEquals(Nd4j.createFromArray(new float[][] {{7, 8, 9}, {4, 5, 6}}),
                net.feedForwardToLayer(0, Nd4j.createFromArray(new float[][] {{2}, {1}})).get(1));
    }
}

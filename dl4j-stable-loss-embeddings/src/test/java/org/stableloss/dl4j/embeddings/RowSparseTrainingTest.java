package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/** Training behaviour of the row-sparse layers: resume after save/load, gradient checks, the ND4J path, learning. */
class RowSparseTrainingTest {

    static final int SAMPLES = 40;
    static final int TAGS = 10;
    static final int DIM = 6;
    static final int NEG = 3;
    static final int MB = 12;

    static List<MultiDataSet> batches(int n, long seed, DataType dtype) {
        Random random = new Random(seed);
        List<MultiDataSet> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(SkipGramNets.batch(random, MB, SAMPLES, TAGS, NEG, dtype));
        }
        return out;
    }

    @Test
    void saveLoadAndResumeGivesTheParametersOfTrainingStraightThrough() throws IOException {
        List<MultiDataSet> data = batches(6, 11, DataType.FLOAT);
        SkipGramNets.Rows rows = new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.2, true);    // bias: Adam state
        ComputationGraph straight = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, rows, new Adam(0.01), DataType.FLOAT,
                true, 3);
        ComputationGraph first = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, rows, new Adam(0.01), DataType.FLOAT,
                true, 3);
        for (MultiDataSet b : data) {
            straight.fit(b);
        }
        for (MultiDataSet b : data.subList(0, 3)) {
            first.fit(b);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(first, bytes, true);
        ComputationGraph resumed = ModelSerializer.restoreComputationGraph(
                new ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(first.getLayer("sampleEmb").getParam("adagrad"), resumed.getLayer("sampleEmb").getParam("adagrad"));
        assertTrue(resumed.getLayer("sampleEmb").getParam("adagrad").sumNumber().doubleValue() > 0);
        for (MultiDataSet b : data.subList(3, 6)) {
            resumed.fit(b);
        }
        assertEquals(straight.params(), resumed.params(), "resumed training must match training straight through");
        assertEquals(straight.getConfiguration(), resumed.getConfiguration());
    }

    @Test
    void configurationSurvivesJson() {
        ComputationGraph g = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                new SkipGramNets.Rows(RowOptimizer.SGD, 0.25, true), new NoOp(), DataType.FLOAT, true, 1);
        String json = g.getConfiguration().toJson();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(g.getConfiguration(), back);
        RowSparseEmbeddingLayer sample = (RowSparseEmbeddingLayer) ((LayerVertex) back.getVertices()
                .get("sampleEmb")).getLayerConf().getLayer();
        RowSparseEmbeddingSequenceLayer tags = (RowSparseEmbeddingSequenceLayer) ((LayerVertex) back.getVertices()
                .get("tagEmb")).getLayerConf().getLayer();
        assertEquals(RowOptimizer.SGD, sample.getRowOptimizer());
        assertEquals(0.25, sample.getRowLearningRate());
        assertTrue(sample.hasBias());
        assertEquals(SAMPLES, sample.getNIn());
        assertEquals(NEG + 1, tags.getInputLength());
        assertFalse(tags.hasBias());
        assertNotEquals(sample, tags);
        assertTrue(json.contains(RowSparseEmbeddingSequenceLayer.class.getName()), json);

        // output types and memory reports, as DL4J's embedding layers give them; input types never change nIn
        assertEquals(InputType.feedForward(DIM), sample.getOutputType(0, InputType.feedForward(1)));
        assertEquals(InputType.recurrent(DIM, NEG + 1), tags.getOutputType(1, InputType.recurrent(1, NEG + 1)));
        sample.setNIn(InputType.feedForward(1), true);
        assertEquals(SAMPLES, sample.getNIn());
        org.deeplearning4j.nn.conf.layers.EmbeddingLayer dl4j = new org.deeplearning4j.nn.conf.layers.EmbeddingLayer
                .Builder().nIn(SAMPLES).nOut(DIM).hasBias(true).updater(new NoOp()).build();
        for (var mode : org.deeplearning4j.nn.conf.memory.MemoryUseMode.values()) {
            assertEquals(dl4j.getMemoryReport(InputType.feedForward(1)).getTotalMemoryBytes(64, mode,
                            org.deeplearning4j.nn.conf.CacheMode.NONE, DataType.FLOAT),
                    sample.getMemoryReport(InputType.feedForward(1)).getTotalMemoryBytes(64, mode,
                            org.deeplearning4j.nn.conf.CacheMode.NONE, DataType.FLOAT), mode.toString());
        }
    }

    /** The backend-neutral ND4J path (forced by the system property) trains to the same parameters. */
    @Test
    void nd4jPathMatchesTheHostPath() {
        for (RowOptimizer optimizer : RowOptimizer.values()) {
            SkipGramNets.Rows rows = new SkipGramNets.Rows(optimizer, 0.3, true);
            List<MultiDataSet> data = batches(4, 13, DataType.FLOAT);
            ComputationGraph host = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, rows, new Sgd(0.1), DataType.FLOAT,
                    true, 6);
            ComputationGraph portable = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, rows, new Sgd(0.1),
                    DataType.FLOAT, true, 6);
            for (MultiDataSet b : data) {
                host.fit(b);
            }
            String old = System.getProperty(RowKernels.PROPERTY);
            System.setProperty(RowKernels.PROPERTY, "false");
            try {
                for (MultiDataSet b : data) {
                    portable.fit(b);
                }
            } finally {
                if (old == null) {
                    System.clearProperty(RowKernels.PROPERTY);
                } else {
                    System.setProperty(RowKernels.PROPERTY, old);
                }
            }
            INDArray a = host.params();
            INDArray p = portable.params();
            assertNotEquals(SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, rows, new Sgd(0.1), DataType.FLOAT, true, 6)
                    .params(), a, "training must have changed the parameters");
            for (long k = 0; k < a.length(); k++) {
                assertEquals(a.getFloat(k), p.getFloat(k), 1e-6f * Math.max(1, Math.abs(a.getFloat(k))),
                        optimizer + " parameter " + k);
            }
        }
    }

    @Test
    void trainingLowersTheLossOnAFixedBatch() {
        for (RowOptimizer optimizer : RowOptimizer.values()) {
            ComputationGraph g = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                    new SkipGramNets.Rows(optimizer, optimizer == RowOptimizer.SGD ? 5.0 : 0.1, false), new NoOp(),
                    DataType.FLOAT, true, 7);
            MultiDataSet b = batches(1, 14, DataType.FLOAT).get(0);
            double before = g.score(b);
            for (int i = 0; i < 30; i++) {
                g.fit(b);
            }
            double after = g.score(b);
            assertTrue(after < 0.5 * before, optimizer + ": loss " + before + " -> " + after);
        }
    }

    /** Wrapped in DL4J's FrozenLayerWithBackprop (which zeroes the wrapped layer's gradient view) the table stays put. */
    @Test
    void frozenLayerWithBackpropKeepsTheTable() {
        var conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Sgd(0.5)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop(
                        new RowSparseEmbeddingLayer.Builder().nIn(SAMPLES).nOut(DIM).build()))
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(DIM).nOut(2)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .build();
        var net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(conf);
        net.init();
        INDArray table = net.getLayer(0).getParam("W").dup();
        INDArray output = net.getLayer(1).params().dup();
        Random random = new Random(3);
        for (int i = 0; i < 3; i++) {
            INDArray features = org.nd4j.linalg.factory.Nd4j.create(DataType.FLOAT, MB, 1);
            for (int b = 0; b < MB; b++) {
                features.putScalar(b, 0, random.nextInt(SAMPLES));
            }
            net.fit(features, org.nd4j.linalg.factory.Nd4j.rand(DataType.FLOAT, MB, 2));
        }
        assertEquals(table, net.getLayer(0).getParam("W"));
        assertNotEquals(output, net.getLayer(1).params(), "the layer above must train");
    }
}

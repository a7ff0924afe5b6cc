package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Converting networks between DL4J's embedding layers and the row-sparse ones, both ways. */
class EmbeddingSwapTest {

    static final int SAMPLES = 30;
    static final int TAGS = 9;
    static final int DIM = 5;
    static final int NEG = 3;

    @Test
    void graphConvertsBothWaysKeepingTablesAndOutputs() {
        ComputationGraph dense = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, null, new Adam(0.01), DataType.FLOAT,
                true, 1);
        MultiDataSet batch = SkipGramNets.batch(new Random(2), 10, SAMPLES, TAGS, NEG, DataType.FLOAT);
        dense.fit(batch);
        INDArray denseOut = dense.outputSingle(batch.getFeatures());

        ComputationGraph rows = EmbeddingSwap.toRowSparse(dense, RowOptimizer.SGD, 0.5);
        assertInstanceOf(RowSparseEmbeddingLayer.class, rows.getLayer("sampleEmb").conf().getLayer());
        assertInstanceOf(RowSparseEmbeddingSequenceLayer.class, rows.getLayer("tagEmb").conf().getLayer());
        assertEquals(0.5, ((BaseRowSparseLayer) rows.getLayer("tagEmb").conf().getLayer()).getRowLearningRate());
        assertEquals(NEG + 1, ((RowSparseEmbeddingSequenceLayer) rows.getLayer("tagEmb").conf().getLayer())
                .getInputLength());
        for (String l : new String[] {"sampleEmb", "tagEmb"}) {
            assertEquals(dense.getLayer(l).getParam("W"), rows.getLayer(l).getParam("W"), l);
        }
        assertEquals(denseOut, rows.outputSingle(batch.getFeatures()));
        assertEquals(dense.getIterationCount(), rows.getIterationCount());

        rows.fit(batch);
        ComputationGraph back = EmbeddingSwap.toDense(rows);
        assertInstanceOf(EmbeddingLayer.class, back.getLayer("sampleEmb").conf().getLayer());
        assertInstanceOf(EmbeddingSequenceLayer.class, back.getLayer("tagEmb").conf().getLayer());
        for (String l : new String[] {"sampleEmb", "tagEmb"}) {
            assertEquals(rows.getLayer(l).getParam("W"), back.getLayer(l).getParam("W"), l);
        }
        assertEquals(rows.outputSingle(batch.getFeatures()), back.outputSingle(batch.getFeatures()));
        back.fit(batch);     // trains as a DL4J network again
        assertNotEquals(rows.getLayer("sampleEmb").getParam("W"), back.getLayer("sampleEmb").getParam("W"));
    }

    /** A MultiLayerNetwork with a biased, TANH embedding feeding dense layers: outputs equal, other state kept. */
    @Test
    void multiLayerNetworkConvertsKeepingTheOtherLayersUpdaterState() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).list()
                .layer(new EmbeddingLayer.Builder().nIn(SAMPLES).nOut(DIM).hasBias(true).activation(Activation.TANH)
                        .build())
                .layer(new DenseLayer.Builder().nIn(DIM).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork dense = new MultiLayerNetwork(conf);
        dense.init();
        Random random = new Random(4);
        INDArray features = Nd4j.create(DataType.FLOAT, 8, 1);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int i = 0; i < 8; i++) {
            features.putScalar(i, 0, random.nextInt(SAMPLES));
            labels.putScalar(i, random.nextInt(3), 1.0);
        }
        DataSet data = new DataSet(features, labels);
        dense.fit(data);

        MultiLayerNetwork rows = EmbeddingSwap.toRowSparse(dense);
        assertInstanceOf(RowSparseEmbeddingLayer.class, rows.getLayer(0).conf().getLayer());
        assertEquals(rows.getLayerWiseConfigurations(),
                MultiLayerConfiguration.fromJson(rows.getLayerWiseConfigurations().toJson()));
        assertEquals(Activation.TANH.getActivationFunction(), ((RowSparseEmbeddingLayer) rows.getLayer(0).conf()
                .getLayer()).getActivationFn());
        assertEquals(dense.output(features), rows.output(features));
        assertEquals(dense.getLayer(0).getParam("b"), rows.getLayer(0).getParam("b"));
        // The bias's and the other layers' Adam moments survive: one more step moves them exactly as in the dense
        // network (fresh moments would give a different Adam step); the table's moments are gone (NoOp).
        MultiLayerNetwork fresh = new MultiLayerNetwork(rows.getLayerWiseConfigurations().clone());
        fresh.init(rows.params().dup(), true);
        fresh.setIterationCount(rows.getIterationCount());
        dense.fit(data);
        rows.fit(data);
        fresh.fit(data);
        for (int layer = 1; layer < 3; layer++) {
            assertEquals(dense.getLayer(layer).params(), rows.getLayer(layer).params(), "layer " + layer);
            assertNotEquals(dense.getLayer(layer).params(), fresh.getLayer(layer).params(), "layer " + layer);
        }
        assertEquals(dense.getLayer(0).getParam("b"), rows.getLayer(0).getParam("b"));

        MultiLayerNetwork back = EmbeddingSwap.toDense(rows);
        assertEquals(rows.output(features), back.output(features));
    }

    @Test
    void sequenceLayerInAMultiLayerNetworkWithMaskAndNwcMatchesDl4j() {
        for (RNNFormat format : RNNFormat.values()) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT)
                    .list()
                    .layer(new EmbeddingSequenceLayer.Builder().nIn(TAGS).nOut(DIM).inputLength(4).hasBias(true)
                            .outputDataFormat(format).activation(Activation.SIGMOID).build())
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(DIM).nOut(2)
                            .dataFormat(format).activation(Activation.IDENTITY).build())
                    .build();
            MultiLayerNetwork dense = new MultiLayerNetwork(conf);
            dense.init();
            MultiLayerNetwork rows = EmbeddingSwap.toRowSparse(dense);
            INDArray in = Nd4j.createFromArray(new float[][] {{1, 2, 2, 8}, {0, 3, 5, 5}, {7, 7, 7, 7}});
            INDArray mask = Nd4j.createFromArray(new float[][] {{1, 1, 1, 0}, {1, 1, 0, 0}, {1, 1, 1, 1}});
            var denseActs = dense.feedForward(in, mask, null);
            var rowActs = rows.feedForward(in, mask, null);
            assertEquals(denseActs.get(1), rowActs.get(1), format.toString());
            assertEquals(denseActs.get(2), rowActs.get(2), format.toString());
        }
    }

    @Test
    void networksWithoutTheLayersAreRejected() {
        ComputationGraph rows = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.1, false), new Adam(0.01), DataType.FLOAT, true, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddingSwap.toRowSparse(rows));
        assertTrue(e.getMessage().contains("EmbeddingLayer"), e.getMessage());
        ComputationGraph dense = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, null, new Adam(0.01), DataType.FLOAT,
                true, 1);
        assertThrows(IllegalArgumentException.class, () -> EmbeddingSwap.toDense(dense));
        assertThrows(IllegalArgumentException.class, () -> EmbeddingSwap.toDense((ComputationGraph) null));
        e = assertThrows(IllegalArgumentException.class, () -> EmbeddingSwap.toRowSparse(dense, RowOptimizer.SGD,
                Double.NaN));
        assertTrue(e.getMessage().contains("rowLearningRate") && e.getMessage().contains("NaN"), e.getMessage());
    }
}

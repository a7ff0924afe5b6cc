package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.graph.DotProductVertex;

/** The Java snippets of docs/large-tables.md, verbatim (see DocsSnippetsSyncTest), with checks after them. */
class LargeTablesDocsTest {

    /** docs/large-tables.md, "Using the layers". */
    @Test
    void skipGramGraphWithRowSparseLayers() {
        int numSamples = 1000, numTags = 50, dim = 16, negatives = 5;
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))            // the rest of the network (and any bias) keeps its updater
                .graphBuilder()
                .addInputs("sample", "tags")
                .addLayer("sampleEmb", new RowSparseEmbeddingLayer.Builder()
                        .nIn(numSamples).nOut(dim)
                        .rowOptimizer(RowOptimizer.ADAGRAD).rowLearningRate(0.1)    // the defaults
                        .build(), "sample")
                .addLayer("tagEmb", new RowSparseEmbeddingSequenceLayer.Builder()
                        .nIn(numTags).nOut(dim).inputLength(negatives + 1)
                        .build(), "tags")
                .addVertex("dot", new DotProductVertex(), "sampleEmb", "tagEmb")
                .addLayer("loss", new LossLayer.Builder(new LossSkipGram()).activation(Activation.IDENTITY).build(),
                        "dot")
                .setOutputs("loss")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();

        MultiDataSet batch = SkipGramNets.batch(new Random(1), 64, numSamples, numTags, negatives, DataType.FLOAT);
        double before = net.score(batch);
        for (int i = 0; i < 20; i++) {
            net.fit(batch);
        }
        assertTrue(net.score(batch) < before, "trains");
        assertEquals(numSamples, net.getLayer("sampleEmb").getParam("W").size(0));
    }

    /** docs/large-tables.md, "Converting an existing network". */
    @Test
    void convertingAnExistingNetwork() {
        ComputationGraph dense = SkipGramNets.graph(200, 20, 8, 5, null, new Adam(0.01), DataType.FLOAT, true, 1);

        // e.g. dense = ModelSerializer.restoreComputationGraph(file, true);
        ComputationGraph rows = EmbeddingSwap.toRowSparse(dense);              // AdaGrad, learning rate 0.1
        ComputationGraph sgd = EmbeddingSwap.toRowSparse(dense, RowOptimizer.SGD, 5.0);
        ComputationGraph back = EmbeddingSwap.toDense(rows);                   // DL4J's layers again

        assertInstanceOf(RowSparseEmbeddingLayer.class, rows.getLayer("sampleEmb").conf().getLayer());
        assertInstanceOf(RowSparseEmbeddingLayer.class, sgd.getLayer("sampleEmb").conf().getLayer());
        assertInstanceOf(EmbeddingLayer.class, back.getLayer("sampleEmb").conf().getLayer());
        assertEquals(dense.getLayer("tagEmb").getParam("W"), back.getLayer("tagEmb").getParam("W"));
    }

    /** docs/large-tables.md, "What gradient checks see". */
    @Test
    void gradientCheckWithSgdAtLearningRateOne() {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph net = SkipGramNets.graph(30, 10, 4, 3, null, new Sgd(1.0), DataType.DOUBLE, true, 2);
            MultiDataSet batch = SkipGramNets.batch(new Random(3), 8, 30, 10, 3, DataType.DOUBLE);

            // DOUBLE network, Sgd(1.0) or NoOp as the network's updater, and the rows' SGD at learning rate 1:
            ComputationGraph checked = EmbeddingSwap.toRowSparse(net, RowOptimizer.SGD, 1.0);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(checked)
                    .inputs(batch.getFeatures()).labels(batch.getLabels()));

            assertTrue(ok);
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }
}

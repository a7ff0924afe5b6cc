package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
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
import org.stableloss.dl4j.graph.DotProductVertex;

/**
 * The README's Java snippets, verbatim, build and train: a user can paste them. Each method holds the snippet named by
 * the {@code <!-- snippet: ReadmeSnippetsTest#method -->} marker above it in README.md; {@link DocsSnippetsSyncTest}
 * fails when the two drift apart (the convention is described there). The docs/ pages' snippets are in
 * {@link DocsSnippetsTest}.
 */
class ReadmeSnippetsTest {

    @Test
    void multiLayerNetworkSnippetTrains() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .updater(new Adam(1e-3))
                .list()
                .layer(new DenseLayer.Builder().nIn(100).nOut(64).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder()
                        .nIn(64).nOut(10)
                        .activation(Activation.IDENTITY)
                        .lossFunction(new LossSkipGram())                 // was: LossFunctions.LossFunction.XENT
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSet data = new DataSet(Nd4j.rand(DataType.FLOAT, 32, 100),
                Nd4j.rand(DataType.FLOAT, 32, 10).gt(0.7).castTo(DataType.FLOAT));
        double before = net.score(data);
        for (int i = 0; i < 30; i++) {
            net.fit(data);
        }
        assertTrue(net.score(data) < before, "score " + net.score(data) + " not below " + before);
    }

    @Test
    void computationGraphSnippetTrains() {
        int numSamples = 50;
        int numTags = 20;
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .updater(new Adam(0.01))
                .graphBuilder()
                .addInputs("sample", "tag")
                .addLayer("sampleEmb", new EmbeddingLayer.Builder().nIn(numSamples).nOut(32)
                        .activation(Activation.IDENTITY).build(), "sample")
                .addLayer("tagEmb", new EmbeddingLayer.Builder().nIn(numTags).nOut(32)
                        .activation(Activation.IDENTITY).build(), "tag")
                .addVertex("logit", new DotProductVertex(), "sampleEmb", "tagEmb")
                .addLayer("loss", new LossLayer.Builder()
                        .activation(Activation.IDENTITY)
                        .lossFunction(LossSkipGram.builder().negativeWeight(0.5).build())
                        .build(), "logit")
                .setOutputs("loss")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        int mb = 64;
        INDArray samples = Nd4j.create(DataType.FLOAT, mb, 1);
        INDArray tags = Nd4j.create(DataType.FLOAT, mb, 1);
        INDArray labels = Nd4j.create(DataType.FLOAT, mb, 1);
        for (int i = 0; i < mb; i++) {
            int s = i % numSamples;
            boolean positive = i % 2 == 0;
            samples.putScalar(i, 0, s);
            tags.putScalar(i, 0, positive ? s % numTags : (s + 7) % numTags);
            labels.putScalar(i, 0, positive ? 1 : 0);
        }
        MultiDataSet data = new MultiDataSet(new INDArray[] {samples, tags}, new INDArray[] {labels});
        double before = net.score(data);
        for (int i = 0; i < 30; i++) {
            net.fit(data);
        }
        assertTrue(net.score(data) < before, "score " + net.score(data) + " not below " + before);
    }
}

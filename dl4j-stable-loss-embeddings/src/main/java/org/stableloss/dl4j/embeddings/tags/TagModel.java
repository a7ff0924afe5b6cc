package org.stableloss.dl4j.embeddings.tags;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.stableloss.dl4j.graph.DotProductVertex;

/**
 * The tag model, a skip-gram network over (sample, tag) pairs: {@code score(s, t) = dot(E_sample[s], E_tag[t])}.
 *
 * <p>Inputs {@code sample} [mb, 1] and {@code tags} [mb, K+1] (the positive tag, then K negatives); an embedding
 * layer {@value #SAMPLE_EMBEDDINGS} [mb, d], an embedding sequence layer {@value #TAG_EMBEDDINGS} [mb, d, K+1], a
 * {@link DotProductVertex} giving [mb, K+1] logits and a {@code LossLayer} with the loss (labels 1, 0, ..., 0).
 * Both tables are FLOAT, initialised from N(0, 0.1^2) with the configuration's seed, without bias.
 */
public final class TagModel {

    /** The sample embedding layer's name; its parameter {@code "W"} is the [numSamples, dim] table. */
    public static final String SAMPLE_EMBEDDINGS = "sampleEmb";
    /** The tag embedding layer's name; its parameter {@code "W"} is the [numTags, dim] table. */
    public static final String TAG_EMBEDDINGS = "tagEmb";

    private TagModel() {
    }

    /**
     * Builds and initialises the tag model with DL4J's {@code EmbeddingLayer} and {@code EmbeddingSequenceLayer}.
     * Same seed, same initial parameters whatever the loss (the loss layer has none).
     *
     * @param numSamples rows of the sample table
     * @param numTags    rows of the tag table
     * @param dim        embedding size
     * @param negatives  K, negative tags per positive pair
     * @param loss       the loss of the {@code LossLayer}
     * @param activation the loss layer's activation ({@code IDENTITY} for LossSkipGram)
     * @param updater    {@code "adam"} (gradients averaged over the minibatch) or {@code "sgd"} (plain SGD, not
     *                   averaged: a learning rate per pair, as in word2vec)
     * @param lr         the learning rate
     * @param seed       the seed of the initial parameters
     * @return the initialised graph
     */
    public static ComputationGraph buildGraph(int numSamples, int numTags, int dim, int negatives,
                                              ILossFunction loss, Activation activation, String updater,
                                              double lr, long seed) {
        boolean sgd = updater.equals("sgd");
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(sgd ? new Sgd(lr) : new Adam(lr))
                .miniBatch(!sgd)
                .weightInit(new WeightInitDistribution(new NormalDistribution(0, 0.1)))
                .graphBuilder()
                .addInputs("sample", "tags")
                .addLayer(SAMPLE_EMBEDDINGS, new EmbeddingLayer.Builder().nIn(numSamples).nOut(dim).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "sample")
                .addLayer(TAG_EMBEDDINGS, new EmbeddingSequenceLayer.Builder().nIn(numTags).nOut(dim).hasBias(false)
                        .inputLength(negatives + 1).activation(Activation.IDENTITY).build(), "tags")
                .addVertex("dot", new DotProductVertex(), SAMPLE_EMBEDDINGS, TAG_EMBEDDINGS)
                .addLayer("loss", new LossLayer.Builder(loss).activation(activation).build(), "dot")
                .setOutputs("loss")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }
}

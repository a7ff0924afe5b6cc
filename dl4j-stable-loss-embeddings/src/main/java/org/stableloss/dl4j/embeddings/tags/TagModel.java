package org.stableloss.dl4j.embeddings.tags;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.stableloss.dl4j.embeddings.RowOptimizer;
import org.stableloss.dl4j.embeddings.RowSparseEmbeddingLayer;
import org.stableloss.dl4j.embeddings.RowSparseEmbeddingSequenceLayer;
import org.stableloss.dl4j.graph.DotProductVertex;

/**
 * The tag model, a skip-gram network over (sample, tag) pairs: {@code score(s, t) = dot(E_sample[s], E_tag[t])}.
 *
 * <p>Inputs {@code sample} [mb, 1] and {@code tags} [mb, K+1] (the positive tag, then K negatives); an embedding
 * layer {@value #SAMPLE_EMBEDDINGS} [mb, d], an embedding sequence layer {@value #TAG_EMBEDDINGS} [mb, d, K+1], a
 * {@link DotProductVertex} giving [mb, K+1] logits and a {@code LossLayer} with the loss (labels 1, 0, ..., 0).
 * Both tables are FLOAT, initialised from N(0, 0.1^2) with the configuration's seed, without bias. The embedding
 * layers are the row-sparse ones ({@link Embeddings#ROW_SPARSE}: a step costs what the minibatch touches) or DL4J's
 * own ({@link Embeddings#DENSE}: a step costs the whole tables).
 */
public final class TagModel {

    /** The sample embedding layer's name; its parameter {@code "W"} is the [numSamples, dim] table. */
    public static final String SAMPLE_EMBEDDINGS = "sampleEmb";
    /** The tag embedding layer's name; its parameter {@code "W"} is the [numTags, dim] table. */
    public static final String TAG_EMBEDDINGS = "tagEmb";

    private TagModel() {
    }

    /** Which embedding layers the model uses. */
    public enum Embeddings {
        /**
         * {@link RowSparseEmbeddingLayer} and {@link RowSparseEmbeddingSequenceLayer}: they train their own touched
         * rows (updater {@code "adagrad"} or {@code "sgd"}), so a step's cost does not grow with the tables.
         */
        ROW_SPARSE,
        /** DL4J's {@code EmbeddingLayer} and {@code EmbeddingSequenceLayer}, trained by the network's updater. */
        DENSE;

        /**
         * @param name {@code "rowsparse"} or {@code "dense"}
         * @return the choice
         * @throws IllegalArgumentException for any other name
         */
        public static Embeddings of(String name) {
            return switch (name) {
                case "rowsparse" -> ROW_SPARSE;
                case "dense" -> DENSE;
                default -> throw new IllegalArgumentException("embeddings: expected rowsparse or dense, got '" + name
                        + "'");
            };
        }

        /** @return the name {@link #of} reads */
        public String label() {
            return this == ROW_SPARSE ? "rowsparse" : "dense";
        }
    }

    /**
     * Builds and initialises the tag model with DL4J's {@code EmbeddingLayer} and {@code EmbeddingSequenceLayer}
     * ({@link Embeddings#DENSE}); see {@link #buildGraph(Embeddings, int, int, int, int, ILossFunction, Activation,
     * String, double, long)}.
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
        return buildGraph(Embeddings.DENSE, numSamples, numTags, dim, negatives, loss, activation, updater, lr, seed);
    }

    /**
     * Builds and initialises the tag model. Same seed and embedding layers, same initial parameters whatever the
     * loss (the loss layer has none).
     *
     * @param embeddings which embedding layers
     * @param numSamples rows of the sample table
     * @param numTags    rows of the tag table
     * @param dim        embedding size
     * @param negatives  K, negative tags per positive pair
     * @param loss       the loss of the {@code LossLayer}
     * @param activation the loss layer's activation ({@code IDENTITY} for LossSkipGram)
     * @param updater    {@link Embeddings#DENSE}: {@code "adam"} (gradients averaged over the minibatch) or
     *                   {@code "sgd"} (plain SGD, not averaged: a learning rate per pair, as in word2vec);
     *                   {@link Embeddings#ROW_SPARSE}: {@code "adagrad"} (per-row AdaGrad, gradients averaged) or
     *                   {@code "sgd"} (not averaged)
     * @param lr         the learning rate
     * @param seed       the seed of the initial parameters
     * @return the initialised graph
     * @throws IllegalArgumentException if the updater does not fit the embedding layers
     */
    public static ComputationGraph buildGraph(Embeddings embeddings, int numSamples, int numTags, int dim,
                                              int negatives, ILossFunction loss, Activation activation,
                                              String updater, double lr, long seed) {
        boolean sgd = updater.equals("sgd");
        String expected = embeddings == Embeddings.DENSE ? "adam" : "adagrad";
        if (!sgd && !updater.equals(expected)) {
            throw new IllegalArgumentException("updater: expected " + expected + " or sgd for " + embeddings.label()
                    + " embeddings, got '" + updater + "'");
        }
        Layer sampleLayer;
        Layer tagLayer;
        if (embeddings == Embeddings.DENSE) {
            sampleLayer = new EmbeddingLayer.Builder().nIn(numSamples).nOut(dim).hasBias(false)
                    .activation(Activation.IDENTITY).build();
            tagLayer = new EmbeddingSequenceLayer.Builder().nIn(numTags).nOut(dim).hasBias(false)
                    .inputLength(negatives + 1).activation(Activation.IDENTITY).build();
        } else {
            RowOptimizer rows = sgd ? RowOptimizer.SGD : RowOptimizer.ADAGRAD;
            sampleLayer = new RowSparseEmbeddingLayer.Builder().nIn(numSamples).nOut(dim).hasBias(false)
                    .rowOptimizer(rows).rowLearningRate(lr).activation(Activation.IDENTITY).build();
            tagLayer = new RowSparseEmbeddingSequenceLayer.Builder().nIn(numTags).nOut(dim).hasBias(false)
                    .inputLength(negatives + 1).rowOptimizer(rows).rowLearningRate(lr)
                    .activation(Activation.IDENTITY).build();
        }
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(sgd || embeddings == Embeddings.ROW_SPARSE ? new Sgd(lr) : new Adam(lr))
                .miniBatch(!sgd)
                .weightInit(new WeightInitDistribution(new NormalDistribution(0, 0.1)))
                .graphBuilder()
                .addInputs("sample", "tags")
                .addLayer(SAMPLE_EMBEDDINGS, sampleLayer, "sample")
                .addLayer(TAG_EMBEDDINGS, tagLayer, "tags")
                .addVertex("dot", new DotProductVertex(), SAMPLE_EMBEDDINGS, TAG_EMBEDDINGS)
                .addLayer("loss", new LossLayer.Builder(loss).activation(activation).build(), "dot")
                .setOutputs("loss")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }
}

package org.stableloss.dl4j.embeddings;

import java.util.Random;

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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.graph.DotProductVertex;

/**
 * The skip-gram graph of the samples' {@code TagEmbeddings#buildGraph} (sample [mb,1] -> embedding [mb,d]; tags
 * [mb,K+1] -> sequence embedding [mb,d,K+1]; DotProductVertex -> [mb,K+1]; LossLayer with LossSkipGram), with DL4J's
 * embedding layers or the row-sparse ones, and random minibatches for it.
 */
final class SkipGramNets {

    private SkipGramNets() {
    }

    /** How the row-sparse layers are set up; null for DL4J's dense layers. */
    record Rows(RowOptimizer optimizer, double learningRate, boolean bias) {
    }

    static ComputationGraph graph(int samples, int tags, int dim, int negatives, Rows rows, IUpdater updater,
                                  DataType dtype, boolean miniBatch, long seed) {
        Layer sampleEmb;
        Layer tagEmb;
        if (rows == null) {
            sampleEmb = new EmbeddingLayer.Builder().nIn(samples).nOut(dim).hasBias(false)
                    .activation(Activation.IDENTITY).build();
            tagEmb = new EmbeddingSequenceLayer.Builder().nIn(tags).nOut(dim).hasBias(false)
                    .inputLength(negatives + 1).activation(Activation.IDENTITY).build();
        } else {
            sampleEmb = new RowSparseEmbeddingLayer.Builder().nIn(samples).nOut(dim).hasBias(rows.bias())
                    .rowOptimizer(rows.optimizer()).rowLearningRate(rows.learningRate()).build();
            tagEmb = new RowSparseEmbeddingSequenceLayer.Builder().nIn(tags).nOut(dim).hasBias(false)
                    .inputLength(negatives + 1).rowOptimizer(rows.optimizer()).rowLearningRate(rows.learningRate())
                    .build();
        }
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dtype)
                .updater(updater)
                .miniBatch(miniBatch)
                .weightInit(new WeightInitDistribution(new NormalDistribution(0, 0.1)))
                .graphBuilder()
                .addInputs("sample", "tags")
                .addLayer("sampleEmb", sampleEmb, "sample")
                .addLayer("tagEmb", tagEmb, "tags")
                .addVertex("dot", new DotProductVertex(), "sampleEmb", "tagEmb")
                .addLayer("loss", new LossLayer.Builder(new LossSkipGram()).activation(Activation.IDENTITY).build(),
                        "dot")
                .setOutputs("loss")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** A minibatch: random samples, a random positive tag and K random negatives per row (duplicates likely). */
    static MultiDataSet batch(Random random, int mb, int samples, int tags, int negatives, DataType dtype) {
        INDArray sample = Nd4j.create(dtype, mb, 1);
        INDArray tagIdx = Nd4j.create(dtype, mb, negatives + 1);
        INDArray labels = Nd4j.zeros(dtype, mb, negatives + 1);
        for (int b = 0; b < mb; b++) {
            sample.putScalar(b, 0, random.nextInt(samples));
            for (int k = 0; k <= negatives; k++) {
                tagIdx.putScalar(b, k, random.nextInt(tags));
            }
            labels.putScalar(b, 0, 1.0);
        }
        return new MultiDataSet(new INDArray[] {sample, tagIdx}, new INDArray[] {labels});
    }

    /** Copies the logical [V, d] tables (and any other parameters with the same name) from one graph to another. */
    static void copyTables(ComputationGraph from, ComputationGraph to) {
        for (String layer : new String[] {"sampleEmb", "tagEmb"}) {
            to.getLayer(layer).getParam("W").assign(from.getLayer(layer).getParam("W"));
        }
    }
}

package org.stableloss.dl4j.scaleout;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.graph.DotProductVertex;

/** A tiny skip-gram-shaped graph and synthetic (anchor, context, label) batches shared by the smoke tests. */
final class TinySkipGram {

    static final int VOCAB = 32;
    static final int DIM = 8;

    private TinySkipGram() {
    }

    /** The loss under test. */
    static ILossFunction loss() {
        return new LossSkipGram();
    }

    /** anchor, context -> two EmbeddingLayers (IDENTITY) -> DotProductVertex -> LossLayer(LossSkipGram), [mb, 1]. */
    static ComputationGraph network(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("anchor", "context")
                .addLayer("embA", new EmbeddingLayer.Builder().nIn(VOCAB).nOut(DIM)
                        .activation(Activation.IDENTITY).hasBias(false).build(), "anchor")
                .addLayer("embC", new EmbeddingLayer.Builder().nIn(VOCAB).nOut(DIM)
                        .activation(Activation.IDENTITY).hasBias(false).build(), "context")
                .addVertex("logit", new DotProductVertex(), "embA", "embC")
                .addLayer("out", new LossLayer.Builder().lossFunction(loss())
                        .activation(Activation.IDENTITY).build(), "logit")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /**
     * Positive pairs (w, w+1 mod V) and (w, w+2 mod V) with label 1, uniformly random negatives with label 0, in
     * batches of {@code batchSize}. Word indices are float [mb, 1] columns, as EmbeddingLayer expects.
     */
    static List<MultiDataSet> batches(int numBatches, int batchSize, long seed) {
        Random rng = new Random(seed);
        List<MultiDataSet> out = new ArrayList<>(numBatches);
        for (int b = 0; b < numBatches; b++) {
            float[] anchor = new float[batchSize];
            float[] context = new float[batchSize];
            float[] label = new float[batchSize];
            for (int i = 0; i < batchSize; i++) {
                int w = rng.nextInt(VOCAB);
                anchor[i] = w;
                if (i % 2 == 0) {
                    context[i] = (w + 1 + rng.nextInt(2)) % VOCAB;
                    label[i] = 1f;
                } else {
                    context[i] = rng.nextInt(VOCAB);
                    label[i] = 0f;
                }
            }
            INDArray a = Nd4j.create(anchor, new long[] {batchSize, 1});
            INDArray c = Nd4j.create(context, new long[] {batchSize, 1});
            INDArray y = Nd4j.create(label, new long[] {batchSize, 1});
            out.add(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {a, c}, new INDArray[] {y}));
        }
        return out;
    }

    static MultiDataSet merged(List<MultiDataSet> batches) {
        return org.nd4j.linalg.dataset.MultiDataSet.merge(batches);
    }
}

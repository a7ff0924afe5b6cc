package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/**
 * ParallelWrapper, 2 CPU workers. Parameter averaging: each worker's replica trains its rows (and AdaGrad state)
 * as one network would; averaging then averages tables and state like any parameters. The loss on the training
 * batches must fall as far as one network's does in half the epochs (averaging needs about twice the epochs,
 * FIELD-NOTES 10).
 */
class RowSparseParallelWrapperTest {

    @Test
    void parameterAveragingTrainsTheRowSparseLayers() throws Exception {
        SkipGramNets.Rows rows = new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.1, true);
        List<org.nd4j.linalg.dataset.MultiDataSet> data = RowSparseTrainingTest.batches(16, 21, DataType.FLOAT);
        ComputationGraph single = SkipGramNets.graph(RowSparseTrainingTest.SAMPLES, RowSparseTrainingTest.TAGS,
                RowSparseTrainingTest.DIM, RowSparseTrainingTest.NEG, rows, new Adam(0.01), DataType.FLOAT, true, 8);
        ComputationGraph net = SkipGramNets.graph(RowSparseTrainingTest.SAMPLES, RowSparseTrainingTest.TAGS,
                RowSparseTrainingTest.DIM, RowSparseTrainingTest.NEG, rows, new Adam(0.01), DataType.FLOAT, true, 8);
        double initial = loss(net, data);
        int epochs = 6;
        for (int e = 0; e < epochs / 2; e++) {
            for (var b : data) {
                single.fit(b);
            }
        }
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net).workers(2).prefetchBuffer(4)
                .averagingFrequency(2).averageUpdaters(true).trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .build();
        try {
            for (int e = 0; e < epochs; e++) {
                wrapper.fit(new ListMultiDataSetIterator(data));
            }
        } finally {
            wrapper.close();
        }
        double averaged = loss(net, data);
        double one = loss(single, data);
        INDArray state = net.getLayer("sampleEmb").getParam("adagrad");
        assertTrue(Double.isFinite(averaged) && averaged < 0.9 * initial, "loss " + initial + " -> " + averaged);
        assertTrue(averaged < one * 1.25, "averaged " + averaged + " vs one network in half the epochs " + one);
        assertTrue(state.minNumber().doubleValue() >= 0 && state.maxNumber().doubleValue() > 0,
                "AdaGrad state averaged and kept: " + state);
    }

    /**
     * Gradient sharing (threshold encoding of each worker's update) learns very slowly in DL4J 1.0.0-M2.1 with its own
     * embedding layers too; with the row-sparse layers it must stay finite and lower the loss every epoch. (That the
     * layer clears the updates the accumulator decodes into its gradient view is tested directly in
     * {@code RowSparseEmbeddingLayerTest#foreignWritesIntoTheGradientViewAreClearedByTheNextBackprop}.)
     */
    @Test
    void sharedGradientsTrainAndStayFinite() throws Exception {
        List<org.nd4j.linalg.dataset.MultiDataSet> data = RowSparseTrainingTest.batches(16, 21, DataType.FLOAT);
        ComputationGraph net = SkipGramNets.graph(RowSparseTrainingTest.SAMPLES, RowSparseTrainingTest.TAGS,
                RowSparseTrainingTest.DIM, RowSparseTrainingTest.NEG,
                new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.1, false), new Adam(0.01), DataType.FLOAT, true, 8);
        double previous = loss(net, data);
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net).workers(2).prefetchBuffer(4)
                .trainingMode(ParallelWrapper.TrainingMode.SHARED_GRADIENTS).build();
        try {
            for (int e = 0; e < 3; e++) {
                wrapper.fit(new ListMultiDataSetIterator(data));
                double now = loss(net, data);
                assertTrue(Double.isFinite(now) && now < previous, "epoch " + e + ": loss " + previous + " -> " + now);
                previous = now;
            }
        } finally {
            wrapper.close();
        }
    }

    private static double loss(ComputationGraph g, List<org.nd4j.linalg.dataset.MultiDataSet> data) {
        double sum = 0;
        for (var b : data) {
            sum += g.score(b);
        }
        return sum / data.size();
    }
}

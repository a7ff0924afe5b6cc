package org.stableloss.dl4j.scaleout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** ParallelWrapper, 2 CPU workers, parameter averaging, on the tiny skip-gram graph. */
class ParallelWrapperSmokeTest {

    @Test
    void twoWorkersWithAveragingReduceTheScore() throws Exception {
        List<MultiDataSet> train = TinySkipGram.batches(64, 32, 1);
        MultiDataSet all = TinySkipGram.merged(train);
        ComputationGraph net = TinySkipGram.network(42);
        double before = net.score(all);

        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net)
                .workers(2)
                .prefetchBuffer(4)
                .averagingFrequency(4)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .build();
        try {
            for (int epoch = 0; epoch < 6; epoch++) {
                wrapper.fit(new ListMultiDataSetIterator(train));
            }
        } finally {
            wrapper.close();
        }
        double after = net.score(all);
        System.out.printf("ParallelWrapper(2 workers, AVERAGING): score %.4f -> %.4f%n", before, after);
        assertTrue(Double.isFinite(after), "score is not finite: " + after);
        assertTrue(after < 0.8 * before, "score did not decrease enough: " + before + " -> " + after);
    }
}

package org.stableloss.dl4j.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Test;
import org.stableloss.dl4j.embeddings.ListMultiDataSetIterator;
import org.stableloss.dl4j.embeddings.tags.TagPairs;

/**
 * The samples' tag model trained by ParallelWrapper, 2 CPU workers, parameter averaging, against one worker at the
 * same number of updates (see {@link TagFixture}).
 */
class ParallelWrapperTagEmbeddingsTest {

    /** Counts the workers' minibatch scores; thread-safe (the workers share the listener). */
    static final class ScoreCounter extends BaseTrainingListener {
        final AtomicLong steps = new AtomicLong();
        final AtomicLong nonFinite = new AtomicLong();

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            steps.incrementAndGet();
            if (!Double.isFinite(model.score())) {
                nonFinite.incrementAndGet();
            }
        }
    }

    @Test
    void twoWorkersTrainAsWellAsOne() throws Exception {
        TagFixture.Baseline single = TagFixture.singleMachine();
        SparkTagEmbeddings.Options o = TagFixture.options(TagFixture.SCALE_OUT_EPOCHS);
        ComputationGraph net = TagFixture.newGraph();
        ScoreCounter counter = new ScoreCounter();
        TagPairs.Batches batches = TagFixture.PAIRS.batches(o.negatives, o.batch, o.seed);
        long t0 = System.nanoTime();
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net)
                .workers(TagFixture.WORKERS)
                .prefetchBuffer(4)
                .averagingFrequency(o.averagingFrequency)
                .averageUpdaters(true)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .build();
        wrapper.setListeners(counter);
        try {
            for (int epoch = 0; epoch < o.epochs; epoch++) {
                wrapper.fit(new ListMultiDataSetIterator(batches.nextEpoch()));
            }
        } finally {
            wrapper.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        TagPairs.Eval eval = TagFixture.evaluate(net);
        double loss = TagFixture.heldOutLoss(net);
        TagFixture.report("ParallelWrapper 2 workers AVERAGING", eval, loss, seconds);

        assertEquals(0, single.nonFiniteSteps());
        assertEquals((long) o.epochs * TagFixture.PAIRS.batchesPerEpoch(o.batch), counter.steps.get(),
                "every minibatch reaches a worker once");
        assertEquals(0, counter.nonFinite.get(), "non-finite minibatch scores");
        assertTrue(Double.isFinite(loss), "held-out loss " + loss);
        Tolerance.assertSameQuality(single.eval(), eval, "ParallelWrapper");
    }
}

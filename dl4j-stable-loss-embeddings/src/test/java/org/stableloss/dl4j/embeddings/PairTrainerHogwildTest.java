package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Lock-free threads reach one thread's quality on planted data. Runs in the surefire execution "hogwild", whose
 * JVM has an ND4J thread budget of 2 (OMP_NUM_THREADS=2) and must run it; elsewhere (a one-thread budget) it is
 * skipped.
 */
class PairTrainerHogwildTest {

    @Test
    void hogwildThreadsReachSingleThreadQuality() {
        String budget = "run with OMP_NUM_THREADS >= 2, got a budget of " + Nd4j.getEnvironment().maxThreads();
        if (Boolean.getBoolean("hogwild.required")) {
            assertTrue(Nd4j.getEnvironment().maxThreads() >= 2, budget);
        }
        // picked by -Dtest in the default execution (OMP_NUM_THREADS=1): nothing to compare there
        Assumptions.assumeTrue(Nd4j.getEnvironment().maxThreads() >= 2, budget);
        PlantedPairs data = new PlantedPairs(6_000, 0.08, 5);
        double one = data.hitsAt10(PairTrainer.builder().threads(1).build().train(data.train).tables());
        double two = data.hitsAt10(PairTrainer.builder().threads(2).build().train(data.train).tables());
        // a model that ignores the topics ranks a held-out tag among the top 10 of 1,000 about 1% of the time
        assertTrue(one > 0.7, "1 thread: hits@10 " + one);
        assertTrue(two > one - 0.03, "2 threads: hits@10 " + two + ", 1 thread " + one);
    }
}

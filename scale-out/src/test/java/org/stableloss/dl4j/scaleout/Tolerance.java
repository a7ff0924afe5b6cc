package org.stableloss.dl4j.scaleout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.stableloss.dl4j.embeddings.tags.TagPairs;

/**
 * How close a scale-out run's held-out quality must come to the single-machine run's: within the spread of
 * single-machine training itself. On the fixture, one worker, 8 epochs, seeds 42 and 1 to 4 (initialization and
 * negatives; same split and evaluation): AUC 0.854 to 0.883 (range 0.029), hits@10 0.596 to 0.649 (range 0.053; one
 * held-out pair is 0.0066, and the binomial standard error of a hits@10 near 0.6 over 151 pairs is 0.04). A run
 * within these bounds is as good as another single-machine seed.
 */
final class Tolerance {

    static final double AUC = 0.03;
    static final double HITS_AT_10 = 0.07;

    private Tolerance() {
    }

    static void assertSameQuality(TagPairs.Eval single, TagPairs.Eval scaleOut, String what) {
        assertTrue(Double.isFinite(scaleOut.auc()) && Math.abs(scaleOut.auc() - single.auc()) <= AUC,
                what + ": AUC " + scaleOut.auc() + " vs single machine " + single.auc());
        assertTrue(Double.isFinite(scaleOut.hitsAt10())
                        && Math.abs(scaleOut.hitsAt10() - single.hitsAt10()) <= HITS_AT_10,
                what + ": hits@10 " + scaleOut.hitsAt10() + " vs single machine " + single.hitsAt10());
    }
}

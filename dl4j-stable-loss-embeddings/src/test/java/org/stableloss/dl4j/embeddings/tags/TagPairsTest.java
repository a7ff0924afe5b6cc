package org.stableloss.dl4j.embeddings.tags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** The negatives' distribution of {@link TagPairs}' training batches, against the formula it documents. */
class TagPairsTest {

    private static final int[] SAMPLES_PER_TAG = {300, 200, 100, 100};
    private static final int NEGATIVES = 10;

    /** Samples with one tag each: 300 with tag 0, 200 with tag 1, 100 each with tags 2 and 3; all pairs train. */
    private static TagPairs pairs(double samplingExponent) {
        List<String> samples = new ArrayList<>();
        List<int[]> tagsOf = new ArrayList<>();
        for (int t = 0; t < SAMPLES_PER_TAG.length; t++) {
            for (int i = 0; i < SAMPLES_PER_TAG[t]; i++) {
                samples.add("s" + samples.size());
                tagsOf.add(new int[]{t});
            }
        }
        TagData data = TagData.of("test", samples, List.of("t0", "t1", "t2", "t3"), tagsOf.toArray(new int[0][]));
        return new TagPairs(data, data.split(0, 1), samplingExponent);
    }

    /** How often each tag is drawn as a negative for the samples whose tag is 0, over one epoch. */
    private static long[] negativesOfTagZeroSamples(TagPairs pairs) {
        long[] counts = new long[SAMPLES_PER_TAG.length];
        for (MultiDataSet b : pairs.batches(NEGATIVES, 128, 3).nextEpoch()) {
            INDArray tags = b.getFeatures(1);
            for (int r = 0; r < tags.rows(); r++) {
                if (tags.getInt(r, 0) == 0) {
                    for (int k = 1; k <= NEGATIVES; k++) {
                        counts[tags.getInt(r, k)]++;
                    }
                }
            }
        }
        return counts;
    }

    /** Pearson's chi-square of the counts of tags 1..3 against probabilities proportional to (count + 1)^e. */
    private static double chiSquare(long[] counts, double e) {
        double norm = 0;
        for (int t = 1; t < counts.length; t++) {
            norm += Math.pow(SAMPLES_PER_TAG[t] + 1, e);
        }
        long n = SAMPLES_PER_TAG[0] * (long) NEGATIVES;
        double chi = 0;
        for (int t = 1; t < counts.length; t++) {
            double expected = n * Math.pow(SAMPLES_PER_TAG[t] + 1, e) / norm;
            chi += (counts[t] - expected) * (counts[t] - expected) / expected;
        }
        return chi;
    }

    @Test
    void negativesFollowTheCountsToTheExponentAndExcludeTheSamplesOwnTags() {
        // 2 degrees of freedom: P(chi-square > 27.6) = 1e-6
        for (double e : new double[]{0, TagPairs.WORD2VEC_SAMPLING_EXPONENT, 1}) {
            long[] counts = negativesOfTagZeroSamples(pairs(e));
            // a draw of the sample's own tag is redrawn up to 10 times: P(kept) = P(tag 0)^10 < 3e-4 here
            assertTrue(counts[0] <= 3, "exponent " + e + ": the sample's own tag drawn " + counts[0] + " times");
            assertTrue(chiSquare(counts, e) < 27.6, "exponent " + e + ": chi-square " + chiSquare(counts, e));
            double other = e == 0 ? TagPairs.WORD2VEC_SAMPLING_EXPONENT : 0;
            assertTrue(chiSquare(counts, other) > 100, "exponent " + e + " indistinguishable from " + other);
        }
    }

    @Test
    void theDefaultIsWord2vecsExponent() {
        TagData data = pairs(0).data();
        assertEquals(0.75, new TagPairs(data, data.split(0, 1)).samplingExponent());
    }

    @Test
    void exponentOutsideZeroToTwoIsRejectedWithItsName() {
        TagData data = pairs(0).data();
        for (double e : new double[]{-0.1, 2.5, Double.NaN}) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> new TagPairs(data, data.split(0, 1), e));
            assertTrue(ex.getMessage().contains("samplingExponent") && ex.getMessage().contains("[0, 2]")
                    && ex.getMessage().contains(String.valueOf(e)), ex.getMessage());
        }
    }
}

package org.stableloss.dl4j;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A planted sample/tag structure for training tests: 24 samples in 4 groups, each group owning 3 of the 12 tags;
 * every sample has its group's tags, one of which is held out. A model that learned the structure scores a held-out
 * pair above the pairs of the sample with other groups' tags.
 */
public final class PlantedTags {

    public static final int SAMPLES = 24;
    public static final int GROUPS = 4;
    public static final int TAGS_PER_GROUP = 3;
    public static final int TAGS = GROUPS * TAGS_PER_GROUP;

    /** Training pairs {sample, tag}, in sample order. */
    public final List<int[]> train = new ArrayList<>();
    /** The held-out pair {sample, tag} of each sample. */
    public final int[][] heldOut = new int[SAMPLES][];

    public PlantedTags() {
        for (int s = 0; s < SAMPLES; s++) {
            int skipped = (s / GROUPS) % TAGS_PER_GROUP;
            for (int t = 0; t < TAGS_PER_GROUP; t++) {
                int[] pair = {s, (s % GROUPS) * TAGS_PER_GROUP + t};
                if (t == skipped) {
                    heldOut[s] = pair;
                } else {
                    train.add(pair);
                }
            }
        }
    }

    /**
     * @param scores [SAMPLES, TAGS] scores of every pair
     * @return the fraction of (held-out pair, other group's tag) comparisons the held-out pair wins
     */
    public double heldOutAuc(INDArray scores) {
        int wins = 0;
        int comparisons = 0;
        for (int[] pair : heldOut) {
            double held = scores.getDouble(pair[0], pair[1]);
            for (int t = 0; t < TAGS; t++) {
                if (t / TAGS_PER_GROUP != pair[0] % GROUPS) {
                    comparisons++;
                    wins += held > scores.getDouble(pair[0], t) ? 1 : 0;
                }
            }
        }
        return (double) wins / comparisons;
    }
}

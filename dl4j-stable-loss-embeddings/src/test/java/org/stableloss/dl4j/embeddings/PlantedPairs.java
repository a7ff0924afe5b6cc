package org.stableloss.dl4j.embeddings;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Planted sample/tag data for the pair trainer's tests and benchmark: each sample belongs to one of {@value #TOPICS}
 * topics and carries 4 of its topic's {@value #TAGS_PER_TOPIC} tags plus one tag drawn from all {@value #TAGS}; a
 * fixed share of the (sample, tag) pairs is held out. A model that learned the topics ranks a held-out topic tag
 * among the sample's best 10 (filtered: the sample's other known tags removed from the ranking); the random tag
 * cannot be predicted, so filtered hits@10 tops out near 0.8.
 */
final class PlantedPairs {

    static final int TOPICS = 125;
    static final int TAGS_PER_TOPIC = 8;
    static final int TAGS = TOPICS * TAGS_PER_TOPIC;

    final int numSamples;
    final PairData train;
    final PairData heldOut;
    /** Each sample's tags, sorted (training and held-out). */
    final int[][] tagsOf;

    PlantedPairs(int numSamples, double heldOutFraction, long seed) {
        this.numSamples = numSamples;
        SplittableRandom rng = new SplittableRandom(seed);
        tagsOf = new int[numSamples][];
        int[] anchors = new int[numSamples * 5];
        int[] contexts = new int[numSamples * 5];
        boolean[] held = new boolean[numSamples * 5];
        int n = 0;
        int nHeld = 0;
        int[] perm = new int[TAGS_PER_TOPIC];
        for (int s = 0; s < numSamples; s++) {
            int topic = rng.nextInt(TOPICS);
            for (int i = 0; i < TAGS_PER_TOPIC; i++) {
                perm[i] = i;
            }
            int[] tags = new int[5];
            for (int i = 0; i < 4; i++) {
                int j = i + rng.nextInt(TAGS_PER_TOPIC - i);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
                tags[i] = topic * TAGS_PER_TOPIC + perm[i];
            }
            int extra;
            do {
                extra = rng.nextInt(TAGS);
            } while (contains(tags, 4, extra));
            tags[4] = extra;
            for (int t : tags) {
                anchors[n] = s;
                contexts[n] = t;
                held[n] = rng.nextDouble() < heldOutFraction;
                nHeld += held[n] ? 1 : 0;
                n++;
            }
            tagsOf[s] = tags.clone();
            Arrays.sort(tagsOf[s]);
        }
        int[] ta = new int[n - nHeld];
        int[] tc = new int[n - nHeld];
        int[] ha = new int[nHeld];
        int[] hc = new int[nHeld];
        for (int i = 0, t = 0, h = 0; i < n; i++) {
            if (held[i]) {
                ha[h] = anchors[i];
                hc[h++] = contexts[i];
            } else {
                ta[t] = anchors[i];
                tc[t++] = contexts[i];
            }
        }
        train = PairData.of(ta, tc, numSamples, TAGS);
        heldOut = PairData.of(ha, hc, numSamples, TAGS);
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * Filtered hits@10 on the held-out pairs: the share whose tag is among the 10 best-scored tags of its sample, the
     * sample's other tags (known from training or held out with it) removed from the ranking.
     */
    double hitsAt10(EmbeddingTables tables) {
        double[] scores = new double[TAGS];
        int hits = 0;
        for (int i = 0; i < heldOut.size(); i++) {
            int s = heldOut.anchor(i);
            int tag = heldOut.context(i);
            tables.scoreAll(s, scores);
            double target = scores[tag];
            int better = 0;
            for (int t = 0; t < TAGS && better < 10; t++) {
                if (t != tag && scores[t] > target && Arrays.binarySearch(tagsOf[s], t) < 0) {
                    better++;
                }
            }
            hits += better < 10 ? 1 : 0;
        }
        return (double) hits / heldOut.size();
    }

    /** Writes the training pairs as fastText lines {@code __label__TAG sSAMPLE}. */
    void writeFastText(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < train.size(); i++) {
                w.write("__label__" + train.context(i) + " s" + train.anchor(i) + "\n");
            }
        }
    }
}

package org.stableloss.dl4j.embeddings;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.stableloss.dl4j.embeddings.tags.PlantedTagData;
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.tags.TagPairs;

/**
 * Planted sample/tag data for the pair trainer's tests and benchmarks, as {@link PairData}: the library's
 * {@link PlantedTagData} with {@value #TAGS} tags (each sample in one of {@value #TOPICS} topics, with 4 of its
 * topic's {@value #TAGS_PER_TOPIC} tags plus one tag drawn from all {@value #TAGS}, so 4 tags when that draw repeats
 * a topic tag), split by {@link TagData#splitForEvaluation}: each sample keeps one random tag for training and each
 * of its other tags is held out with probability {@code heldOutFraction}. A model that learned the topics ranks a
 * held-out topic tag among the sample's best 10 (filtered: the sample's other known tags removed from the ranking);
 * the random tag cannot be predicted, so filtered hits@10 tops out near 0.8. The evaluation is {@link TagPairs}'s.
 */
final class PlantedPairs {

    static final int TAGS_PER_TOPIC = PlantedTagData.TAGS_PER_TOPIC;
    static final int TAGS = 1000;
    static final int TOPICS = TAGS / TAGS_PER_TOPIC;

    final int numSamples;
    final PairData train;
    final PairData heldOut;
    /** Each sample's tags, sorted (training and held-out; do not modify). */
    final int[][] tagsOf;
    private final TagPairs pairs;
    private final long seed;

    /**
     * @param numSamples      the number of samples, at least 1
     * @param heldOutFraction the probability of holding out each of a sample's tags beyond the one kept for training
     * @param seed            the seed of the data, the split and the evaluation
     */
    PlantedPairs(int numSamples, double heldOutFraction, long seed) {
        this.numSamples = numSamples;
        this.seed = seed;
        TagData data = PlantedTagData.generate(numSamples, TAGS, seed);
        TagData.Split split = data.splitForEvaluation(heldOutFraction, seed);
        pairs = new TagPairs(data, split);
        tagsOf = new int[numSamples][];
        for (int s = 0; s < numSamples; s++) {
            tagsOf[s] = data.tagsOf(s);
        }
        train = PairData.of(split.train()[0], split.train()[1], numSamples, TAGS);
        heldOut = PairData.of(split.test()[0], split.test()[1], numSamples, TAGS);
    }

    /**
     * Filtered hits@10 on the held-out pairs by {@link TagPairs#evaluate(TagPairs.Scorer, int, long)}: the share whose
     * tag is among the 10 best-scored tags of its sample, the sample's other tags (known from training or held out
     * with it) removed from the ranking, ties counted against the held-out tag; over all held-out pairs, or a seeded
     * random subset of {@value TagPairs#MAX_EVAL_PAIRS} when there are more.
     */
    double hitsAt10(EmbeddingTables tables) {
        double[] scores = new double[TAGS];
        int[] scored = {-1};
        // TagPairs scores every tag of a sample in turn: compute the sample's row of logits once
        TagPairs.Scorer scorer = (s, t) -> {
            if (scored[0] != s) {
                tables.scoreAll(s, scores);
                scored[0] = s;
            }
            return scores[t];
        };
        return pairs.evaluate(scorer, 0, seed).hitsAt10();
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

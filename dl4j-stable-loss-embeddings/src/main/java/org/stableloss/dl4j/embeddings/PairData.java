package org.stableloss.dl4j.embeddings;

/**
 * Training pairs for {@link PairTrainer}: {@code (anchor, context)} ids as primitive arrays, with the sizes of the two
 * vocabularies (anchors such as samples or input words, contexts such as tags or output words; one shared vocabulary
 * is the case {@code numAnchors == numContexts}), and an optional weight per pair.
 *
 * <p>The arrays are copied on construction (the caller may reuse its own); memory is 8 bytes per pair, 12 with
 * weights. Immutable and thread-safe.
 */
public final class PairData {

    private final int[] anchors;
    private final int[] contexts;
    private final float[] weights;
    private final int numAnchors;
    private final int numContexts;

    private PairData(int[] anchors, int[] contexts, float[] weights, int numAnchors, int numContexts) {
        this.anchors = anchors;
        this.contexts = contexts;
        this.weights = weights;
        this.numAnchors = numAnchors;
        this.numContexts = numContexts;
    }

    /**
     * Pairs over two vocabularies, each pair weighted 1.
     *
     * @param anchors     anchor ids in [0, numAnchors), one per pair
     * @param contexts    context ids in [0, numContexts), one per pair, as many as {@code anchors}
     * @param numAnchors  the anchor vocabulary's size, {@code >= 1}
     * @param numContexts the context vocabulary's size, {@code >= 1}
     * @return the pairs
     * @throws IllegalArgumentException for null or empty arrays, different lengths, a size below 1, or an id out of
     *                                  range (with the first bad id, its index and the number of bad ids)
     */
    public static PairData of(int[] anchors, int[] contexts, int numAnchors, int numContexts) {
        return of(anchors, contexts, null, numAnchors, numContexts);
    }

    /**
     * Weighted pairs over two vocabularies: pair {@code i}'s loss (its positive term and its negatives') is
     * multiplied by {@code weights[i]}.
     *
     * @param anchors     anchor ids in [0, numAnchors), one per pair
     * @param contexts    context ids in [0, numContexts), one per pair
     * @param weights     finite weights {@code >= 0}, one per pair, or null for all 1
     * @param numAnchors  the anchor vocabulary's size, {@code >= 1}
     * @param numContexts the context vocabulary's size, {@code >= 1}
     * @return the pairs
     * @throws IllegalArgumentException as {@link #of(int[], int[], int, int)}, and for a weight that is negative,
     *                                  NaN or infinite, or weights of another length
     */
    public static PairData of(int[] anchors, int[] contexts, float[] weights, int numAnchors, int numContexts) {
        Args.notNull(anchors, "anchors");
        Args.notNull(contexts, "contexts");
        Args.check(anchors.length > 0, "anchors: expected at least one pair, got 0 pairs");
        Args.check(contexts.length == anchors.length,
                "contexts: expected one id per pair (%d), got %d", anchors.length, contexts.length);
        Args.inRange(numAnchors, 1, Integer.MAX_VALUE, "numAnchors");
        Args.inRange(numContexts, 1, Integer.MAX_VALUE, "numContexts");
        Args.ids(anchors, numAnchors, "anchors");
        Args.ids(contexts, numContexts, "contexts");
        if (weights != null) {
            Args.check(weights.length == anchors.length,
                    "weights: expected one weight per pair (%d), got %d", anchors.length, weights.length);
            for (int i = 0; i < weights.length; i++) {
                float w = weights[i];
                Args.check(Float.isFinite(w) && w >= 0,
                        "weights: expected finite values >= 0, got %s at index %d", w, i);
            }
        }
        return new PairData(anchors.clone(), contexts.clone(), weights == null ? null : weights.clone(), numAnchors,
                numContexts);
    }

    /**
     * Pairs over one shared vocabulary (word2vec's (word, context word) pairs), each weighted 1. The trainer still
     * keeps two tables, as word2vec does (input and output vectors).
     *
     * @param anchors        anchor ids in [0, vocabularySize)
     * @param contexts       context ids in [0, vocabularySize)
     * @param vocabularySize the vocabulary's size
     * @return the pairs
     * @throws IllegalArgumentException as {@link #of(int[], int[], int, int)}
     */
    public static PairData shared(int[] anchors, int[] contexts, int vocabularySize) {
        return of(anchors, contexts, null, vocabularySize, vocabularySize);
    }

    /** @return the number of pairs, {@code >= 1} */
    public int size() {
        return anchors.length;
    }

    /** @return the anchor vocabulary's size */
    public int numAnchors() {
        return numAnchors;
    }

    /** @return the context vocabulary's size */
    public int numContexts() {
        return numContexts;
    }

    /** @return true when the pairs carry weights */
    public boolean weighted() {
        return weights != null;
    }

    /**
     * @param i a pair index in [0, size())
     * @return pair {@code i}'s anchor id
     */
    public int anchor(int i) {
        return anchors[i];
    }

    /**
     * @param i a pair index in [0, size())
     * @return pair {@code i}'s context id
     */
    public int context(int i) {
        return contexts[i];
    }

    /**
     * @param i a pair index in [0, size())
     * @return pair {@code i}'s weight (1 when the pairs carry none)
     */
    public float weight(int i) {
        return weights == null ? 1f : weights[i];
    }

    /** How often each context occurs in the pairs (unweighted): the default negative-sampling counts. */
    long[] contextCounts() {
        long[] counts = new long[numContexts];
        for (int c : contexts) {
            counts[c]++;
        }
        return counts;
    }

    int[] anchorArray() {
        return anchors;
    }

    int[] contextArray() {
        return contexts;
    }

    float[] weightArray() {
        return weights;
    }
}

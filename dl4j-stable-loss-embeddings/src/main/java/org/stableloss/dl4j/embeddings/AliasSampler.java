package org.stableloss.dl4j.embeddings;

/**
 * Draws ids from a fixed discrete distribution in O(1) per draw (Walker's alias method, Vose's construction): the
 * negative sampler of {@link PairTrainer} and {@link ExactSkipGram}. Ids with weight 0 are never drawn. Memory: 8
 * bytes per id. Immutable and thread-safe; a draw takes one random {@code long} from the caller and allocates
 * nothing.
 */
final class AliasSampler {

    private static final double TWO_TO_MINUS_32 = 0x1.0p-32;

    /** Probability, scaled to [0, 1], of keeping column i rather than taking its alias. */
    private final float[] keep;
    private final int[] alias;

    private AliasSampler(float[] keep, int[] alias) {
        this.keep = keep;
        this.alias = alias;
    }

    /**
     * The distribution {@code p(i) ∝ weights[i]^exponent} ({@code 0^exponent = 0}).
     *
     * @param weights  non-negative finite weights (e.g. counts), not all 0
     * @param exponent a finite exponent {@code >= 0} (0.75 is word2vec's; 0 gives the uniform distribution over the
     *                 ids whose weight is above 0)
     * @return the sampler
     * @throws IllegalArgumentException for a negative or non-finite weight, all weights 0, or a bad exponent
     */
    static AliasSampler of(double[] weights, double exponent) {
        Args.check(Double.isFinite(exponent) && exponent >= 0,
                "samplingExponent: expected a finite value >= 0, got %s", exponent);
        int n = weights.length;
        double[] p = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            double w = weights[i];
            Args.check(Double.isFinite(w) && w >= 0, "samplingWeights: expected finite values >= 0, got %s at index %d",
                    w, i);
            p[i] = w == 0 ? 0 : Math.pow(w, exponent);
            total += p[i];
        }
        Args.check(total > 0 && Double.isFinite(total),
                "samplingWeights: expected at least one weight > 0 (and a finite total), got total %s", total);
        int heaviest = 0;
        for (int i = 1; i < n; i++) {
            heaviest = p[i] > p[heaviest] ? i : heaviest;
        }
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            p[i] = p[i] * n / total;
            if (p[i] < 1) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        float[] keep = new float[n];
        int[] alias = new int[n];
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            keep[s] = (float) p[s];
            alias[s] = l;
            p[l] = (p[l] + p[s]) - 1;
            if (p[l] < 1) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            int l = large[--nl];
            keep[l] = 1;
            alias[l] = l;
        }
        while (ns > 0) {
            // rounding left a column just below 1: keep it whole, or send it to the heaviest id if its weight is 0
            int s = small[--ns];
            keep[s] = weights[s] > 0 ? 1 : 0;
            alias[s] = heaviest;
        }
        return new AliasSampler(keep, alias);
    }

    /** @return the number of ids */
    int size() {
        return keep.length;
    }

    /**
     * One draw.
     *
     * @param random 64 uniformly random bits (the high 32 pick the column, the low 32 the coin)
     * @return an id in [0, size())
     */
    int sample(long random) {
        int column = (int) (((random >>> 32) * keep.length) >>> 32);
        double coin = (random & 0xFFFFFFFFL) * TWO_TO_MINUS_32;
        return coin < keep[column] ? column : alias[column];
    }
}

package org.stableloss.dl4j.embeddings;

import java.util.SplittableRandom;

import org.stableloss.dl4j.SkipGramScalar;

/**
 * One thread's share of training: the per-pair update of {@link PairTrainer}, on the shared tables (Hogwild: threads
 * read and write rows without locks). Per pair: one positive and up to K negative contexts, each a dot product, the
 * loss's gradient from {@link SkipGramScalar} and two row updates of length {@code dim}; no allocation.
 *
 * <p>For a pair (a, c) with weight w, label y = 1 for c and 0 for each negative n, logit x = A[a]·C[n], and
 * g = w · dL/dx (from {@link SkipGramScalar#gradient}): the context row gets {@code C[n] -= rate(n) * g * A[a]}
 * (with the anchor row as it was before this pair), and the anchor row, after all its contexts, gets
 * {@code A[a] -= rate(a) * sum g * C[n]} (with each context row as it was before its own update), as word2vec does.
 * The rate is the learning rate, linearly decayed over the run for SGD; for AdaGrad it is
 * {@code lr / sqrt(1e-6 + G[row])} after adding the row's mean squared gradient to its accumulator G[row], as in
 * StarSpace (one scalar per row).
 */
final class PairKernel {

    /** Every this-many-th pair also computes its loss, for the progress line and the epoch's mean loss. */
    static final int LOSS_EVERY = 8;
    /** Draws of a negative before a draw that keeps hitting the pair's own context is skipped. */
    static final int MAX_DRAWS = 10;
    /** Pairs between two progress publications. */
    private static final int PUBLISH_EVERY = 4096;
    private static final float ADAGRAD_EPS = 1e-6f;

    private final float[] anchors;
    private final float[] contexts;
    private final float[] anchorSquares;
    private final float[] contextSquares;
    private final int dim;
    private final int negatives;
    private final AliasSampler sampler;
    private final SkipGramScalar loss;
    private final float[] anchorGradient;

    /** Pairs done in the current slice, published every few thousand pairs (read by the progress line). */
    private volatile long published;
    private volatile double publishedLoss;
    private volatile long publishedLossCount;

    PairKernel(float[] anchors, float[] contexts, float[] anchorSquares, float[] contextSquares, int dim,
               int negatives, AliasSampler sampler, SkipGramScalar loss) {
        this.anchors = anchors;
        this.contexts = contexts;
        this.anchorSquares = anchorSquares;
        this.contextSquares = contextSquares;
        this.dim = dim;
        this.negatives = negatives;
        this.sampler = sampler;
        this.loss = loss;
        this.anchorGradient = new float[dim];
    }

    /**
     * Trains on the pairs {@code order[from, to)} of {@code data}.
     *
     * @param rng      this thread's random numbers for the negatives
     * @param lr       the base learning rate
     * @param sgd      true for SGD with linear decay, false for AdaGrad
     * @param progress0 the run's progress (in [0, 1]) at {@code from}, for the SGD decay
     * @param progressPerPair the run's progress per pair of this slice
     * @return {sum of the sampled losses, number of sampled pairs}
     */
    double[] train(PairData data, int[] order, int from, int to, SplittableRandom rng, double lr, boolean sgd,
                   double progress0, double progressPerPair) {
        int[] as = data.anchorArray();
        int[] cs = data.contextArray();
        float[] ws = data.weightArray();
        double lossSum = 0;
        long lossCount = 0;
        for (int j = from; j < to; j++) {
            int p = order[j];
            float w = ws == null ? 1f : ws[p];
            if (w == 0) {
                continue;
            }
            float rate = sgd ? (float) (lr * Math.max(1e-4, 1 - (progress0 + (j - from) * progressPerPair)))
                    : (float) lr;
            boolean measure = (j - from) % LOSS_EVERY == 0;
            double l = pair(as[p], cs[p], w, rate, sgd, rng, measure);
            if (measure) {
                lossSum += l;
                lossCount++;
            }
            if ((j - from) % PUBLISH_EVERY == PUBLISH_EVERY - 1) {
                publishedLoss = lossSum;
                publishedLossCount = lossCount;
                published = j - from + 1;
            }
        }
        publishedLoss = lossSum;
        publishedLossCount = lossCount;
        published = to - from;
        return new double[] {lossSum, lossCount};
    }

    /** Resets the published progress before a new slice. */
    void resetProgress() {
        published = 0;
        publishedLoss = 0;
        publishedLossCount = 0;
    }

    long published() {
        return published;
    }

    double publishedLoss() {
        return publishedLoss;
    }

    long publishedLossCount() {
        return publishedLossCount;
    }

    /**
     * One pair's update.
     *
     * @return the pair's weighted loss when {@code measure}, else 0
     */
    double pair(int anchor, int context, float weight, float rate, boolean sgd, SplittableRandom rng,
                boolean measure) {
        int a = anchor * dim;
        float[] grad = anchorGradient;
        for (int i = 0; i < dim; i++) {
            grad[i] = 0;
        }
        double l = term(a, context, 1.0, weight, rate, sgd, measure);
        for (int k = 0; k < negatives; k++) {
            int n = sampler.sample(rng.nextLong());
            for (int draw = 1; n == context && draw < MAX_DRAWS; draw++) {
                n = sampler.sample(rng.nextLong());
            }
            if (n != context) {
                l += term(a, n, 0.0, weight, rate, sgd, measure);
            }
        }
        float anchorRate = rate;
        if (!sgd) {
            float g2 = Rows.squaredNorm(grad, 0, dim) / dim;
            anchorSquares[anchor] += g2;
            anchorRate = rate / (float) Math.sqrt(ADAGRAD_EPS + anchorSquares[anchor]);
        }
        Rows.axpy(-anchorRate, grad, 0, anchors, a, dim);
        return l;
    }

    /** One (anchor, context, label) term: accumulates the anchor's gradient, updates the context row. */
    private double term(int a, int context, double label, float weight, float rate, boolean sgd, boolean measure) {
        int c = context * dim;
        double x = Rows.dot(anchors, a, contexts, c, dim);
        float g = (float) (weight * loss.gradient(x, label));
        Rows.axpy(g, contexts, c, anchorGradient, 0, dim);
        float contextRate = rate;
        if (!sgd) {
            float g2 = g * g * Rows.squaredNorm(anchors, a, dim) / dim;
            contextSquares[context] += g2;
            contextRate = rate / (float) Math.sqrt(ADAGRAD_EPS + contextSquares[context]);
        }
        Rows.axpy(-contextRate * g, anchors, a, contexts, c, dim);
        return measure ? weight * loss.loss(x, label) : 0;
    }
}

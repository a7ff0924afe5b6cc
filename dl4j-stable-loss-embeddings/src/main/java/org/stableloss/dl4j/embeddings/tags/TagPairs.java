package org.stableloss.dl4j.embeddings.tags;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training batches and the held-out evaluation of the tag model ({@link TagModel}) over one data set and split,
 * for any trainer: a network's {@code fit}, ParallelWrapper, Spark, or a scorer of any other model.
 *
 * <p>Batches: shuffled training pairs, each with {@code K} negative tags drawn with probability proportional to
 * {@code (training count + 1)^e} ({@code e} = 0.75 by default, word2vec's noise distribution; 0 draws uniformly), a
 * draw of one of the sample's own training tags redrawn up to 10 times; inputs {@code sample} [mb, 1] and
 * {@code tags} [mb, K+1] (the positive first), labels [mb, K+1] = 1, 0, ..., 0.
 *
 * <p>Evaluation on the held-out pairs: ROC AUC of each held-out pair against random tags the sample does not have,
 * and filtered hits@10 (the held-out tag among the 10 best-scored tags, the sample's other known tags removed from
 * the ranking). Deterministic for a given seed.
 */
public final class TagPairs {

    /** float32: sigmoid(x) rounds to 0 (LossBinaryXENT gradient below 4e-3 and falling fast) beyond this. */
    public static final double CONFIDENTLY_WRONG_LOGIT = -17.0;
    /** The exponent of word2vec's noise distribution, {@code count^0.75}: the default for the negatives. */
    public static final double WORD2VEC_SAMPLING_EXPONENT = 0.75;
    /** The most held-out pairs {@link #evaluate(Scorer, int, long)} scores; a seeded random subset beyond. */
    public static final int MAX_EVAL_PAIRS = 20_000;

    private final TagData data;
    private final TagData.Split split;
    private final int[][] trainTagsOf;
    private final int[] trainTagCount;
    private final double[] negativeCdf;
    private final double samplingExponent;

    /**
     * Prepares batches and evaluation over a data set and its split, with word2vec's noise distribution for the
     * negatives ({@value #WORD2VEC_SAMPLING_EXPONENT}).
     *
     * @param data  the (sample, tag) data
     * @param split its training and held-out pairs ({@link TagData#split})
     */
    public TagPairs(TagData data, TagData.Split split) {
        this(data, split, WORD2VEC_SAMPLING_EXPONENT);
    }

    /**
     * Prepares batches and evaluation over a data set and its split.
     *
     * @param data             the (sample, tag) data
     * @param split            its training and held-out pairs ({@link TagData#split})
     * @param samplingExponent the exponent {@code e} of the negatives' distribution, {@code (training count + 1)^e}:
     *                         {@value #WORD2VEC_SAMPLING_EXPONENT} is word2vec's, 0 uniform over the tags; in [0, 2]
     * @throws IllegalArgumentException if {@code samplingExponent} is outside [0, 2] or not a number
     */
    public TagPairs(TagData data, TagData.Split split, double samplingExponent) {
        if (!(samplingExponent >= 0 && samplingExponent <= 2)) {
            throw new IllegalArgumentException("samplingExponent: expected a number in [0, 2], got "
                    + samplingExponent);
        }
        this.samplingExponent = samplingExponent;
        this.data = data;
        this.split = split;
        int n = data.numSamples();
        int[] counts = new int[n];
        trainTagCount = new int[data.numTags()];
        for (int i = 0; i < split.numTrain(); i++) {
            counts[split.train()[0][i]]++;
            trainTagCount[split.train()[1][i]]++;
        }
        trainTagsOf = new int[n][];
        for (int s = 0; s < n; s++) {
            trainTagsOf[s] = new int[counts[s]];
        }
        int[] fill = new int[n];
        for (int i = 0; i < split.numTrain(); i++) {
            int s = split.train()[0][i];
            trainTagsOf[s][fill[s]++] = split.train()[1][i];
        }
        for (int[] t : trainTagsOf) {
            Arrays.sort(t);
        }
        // (training count + 1)^e: +1 so that every tag can be drawn
        negativeCdf = new double[data.numTags()];
        double acc = 0;
        for (int t = 0; t < negativeCdf.length; t++) {
            acc += Math.pow(trainTagCount[t] + 1, samplingExponent);
            negativeCdf[t] = acc;
        }
        for (int t = 0; t < negativeCdf.length; t++) {
            negativeCdf[t] /= acc;
        }
    }

    /** @return the exponent of the negatives' distribution, {@code (training count + 1)^e} */
    public double samplingExponent() {
        return samplingExponent;
    }

    /** @return the data set */
    public TagData data() {
        return data;
    }

    /** @return the training and held-out pairs */
    public TagData.Split split() {
        return split;
    }

    /**
     * @param s the sample id, in [0, data().numSamples())
     * @return the sorted training tag ids of sample s (do not modify)
     */
    public int[] trainTagsOf(int s) {
        return trainTagsOf[s];
    }

    /**
     * Number of training batches per epoch.
     *
     * @param batchSize training pairs per batch, at least 1
     * @return the number of training pairs divided by {@code batchSize}, rounded up (the last batch may be smaller)
     */
    public int batchesPerEpoch(int batchSize) {
        return (split.numTrain() + batchSize - 1) / batchSize;
    }

    /**
     * Epochs of training batches: each {@link Batches#nextEpoch()} reshuffles the pairs and draws fresh negatives from
     * one random stream seeded with {@code seed}.
     *
     * @param negatives negative tags per training pair ({@code K}), at least 1
     * @param batchSize training pairs per batch, at least 1 (an epoch's last batch may be smaller)
     * @param seed      the random seed for the order and the negatives
     * @return the epochs' batches
     * @throws IllegalArgumentException if {@code negatives} or {@code batchSize} is below 1
     */
    public Batches batches(int negatives, int batchSize, long seed) {
        if (negatives < 1 || batchSize < 1) {
            throw new IllegalArgumentException("negatives and batchSize must be positive: " + negatives + ", "
                    + batchSize);
        }
        return new Batches(negatives, batchSize, new Random(seed));
    }

    /** A stream of training epochs; not thread-safe. */
    public final class Batches {
        private final int negatives;
        private final int batchSize;
        private final Random rnd;
        private final int[] perm;

        private Batches(int negatives, int batchSize, Random rnd) {
            this.negatives = negatives;
            this.batchSize = batchSize;
            this.rnd = rnd;
            perm = new int[split.numTrain()];
            for (int i = 0; i < perm.length; i++) {
                perm[i] = i;
            }
        }

        /**
         * The next epoch: every training pair once, in a new order, with new negatives. The order and the negatives
         * are drawn now; each batch's arrays are made when the list's {@code get} asks for it (an epoch holds 4 bytes
         * per pair and negative, not the whole epoch's arrays), so iterate the list once.
         *
         * @return the epoch's {@link TagPairs#batchesPerEpoch(int)} batches, made on demand
         */
        public List<org.nd4j.linalg.dataset.api.MultiDataSet> nextEpoch() {
            int n = perm.length;
            int cols = negatives + 1;
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            int[] order = perm.clone();
            int[] drawn = new int[n * negatives];
            for (int i = 0; i < n; i++) {
                int s = split.train()[0][order[i]];
                for (int k = 0; k < negatives; k++) {
                    drawn[i * negatives + k] = drawNegative(rnd, s);
                }
            }
            return new AbstractList<>() {
                @Override
                public org.nd4j.linalg.dataset.api.MultiDataSet get(int batch) {
                    int b = batch * batchSize;
                    if (batch < 0 || b >= n) {
                        throw new IndexOutOfBoundsException("batch " + batch + " of " + size());
                    }
                    int mb = Math.min(batchSize, n - b);
                    float[] sampleIdx = new float[mb];
                    float[] tagIdx = new float[mb * cols];
                    float[] labels = new float[mb * cols];
                    for (int i = 0; i < mb; i++) {
                        int p = order[b + i];
                        sampleIdx[i] = split.train()[0][p];
                        tagIdx[i * cols] = split.train()[1][p];
                        labels[i * cols] = 1;
                        for (int k = 1; k < cols; k++) {
                            tagIdx[i * cols + k] = drawn[(b + i) * negatives + k - 1];
                        }
                    }
                    return new MultiDataSet(
                            new INDArray[]{Nd4j.create(sampleIdx, new long[]{mb, 1}),
                                    Nd4j.create(tagIdx, new long[]{mb, cols})},
                            new INDArray[]{Nd4j.create(labels, new long[]{mb, cols})});
                }

                @Override
                public int size() {
                    return (n + batchSize - 1) / batchSize;
                }
            };
        }
    }

    /**
     * The held-out pairs as batches shaped like the training batches, for a held-out loss (e.g. scored by DL4J on a
     * cluster): the held-out tag, then {@code negatives} tags drawn uniformly among those the sample does not have at
     * all; labels 1, 0, ..., 0. Deterministic for a given seed.
     *
     * @param negatives negative tags per held-out pair
     * @param batchSize held-out pairs per batch, at least 1 (the last batch may be smaller)
     * @param seed      the random seed for the negatives
     * @return the batches; pairs whose sample has every tag are left out
     */
    public List<org.nd4j.linalg.dataset.api.MultiDataSet> heldOutBatches(int negatives, int batchSize, long seed) {
        Random rnd = new Random(seed);
        int cols = negatives + 1;
        int numTags = data.numTags();
        List<int[]> rows = new ArrayList<>();
        for (int i = 0; i < split.numTest(); i++) {
            int s = split.test()[0][i];
            if (data.tagsOf(s).length >= numTags) {
                continue;
            }
            int[] row = new int[cols + 1];
            row[0] = s;
            row[1] = split.test()[1][i];
            for (int k = 2; k <= cols; k++) {
                int u;
                do {
                    u = rnd.nextInt(numTags);
                } while (data.hasTag(s, u));
                row[k] = u;
            }
            rows.add(row);
        }
        List<org.nd4j.linalg.dataset.api.MultiDataSet> out = new ArrayList<>();
        for (int b = 0; b < rows.size(); b += batchSize) {
            int mb = Math.min(batchSize, rows.size() - b);
            float[] sampleIdx = new float[mb];
            float[] tagIdx = new float[mb * cols];
            float[] labels = new float[mb * cols];
            for (int i = 0; i < mb; i++) {
                int[] row = rows.get(b + i);
                sampleIdx[i] = row[0];
                for (int k = 0; k < cols; k++) {
                    tagIdx[i * cols + k] = row[k + 1];
                }
                labels[i * cols] = 1;
            }
            out.add(new MultiDataSet(
                    new INDArray[]{Nd4j.create(sampleIdx, new long[]{mb, 1}),
                            Nd4j.create(tagIdx, new long[]{mb, cols})},
                    new INDArray[]{Nd4j.create(labels, new long[]{mb, cols})}));
        }
        return out;
    }

    private int drawNegative(Random rnd, int s) {
        int t = 0;
        for (int tries = 0; tries < 10; tries++) {
            int i = Arrays.binarySearch(negativeCdf, rnd.nextDouble());
            t = Math.min(i >= 0 ? i : -i - 1, negativeCdf.length - 1);
            if (Arrays.binarySearch(trainTagsOf[s], t) < 0) {
                return t;
            }
        }
        return t;
    }

    /**
     * Held-out evaluation numbers. {@code confidentlyWrongTrain}: share of training pairs scored below
     * {@link #CONFIDENTLY_WRONG_LOGIT}; {@code maxAbsLogit}: the largest |logit| over training pairs (both NaN for
     * scorers without logits).
     */
    public record Eval(double auc, double hitsAt10, double confidentlyWrongTrain, double maxAbsLogit) {
    }

    /** A score for (sample, tag): higher is more likely. */
    public interface Scorer {
        /**
         * @param sample the sample id
         * @param tag    the tag id
         * @return the score: any double, higher is more likely (NaN ranks lowest)
         */
        double score(int sample, int tag);
    }

    /**
     * The tag model's embedding matrix of a layer, [rows, dim] ({@link #rows}).
     *
     * @param g     a tag model network ({@link TagModel})
     * @param layer the embedding layer's name: {@link TagModel#SAMPLE_EMBEDDINGS} or {@link TagModel#TAG_EMBEDDINGS}
     * @return the layer's weights {@code W}, one row per sample or tag
     */
    public static float[][] weights(ComputationGraph g, String layer) {
        return rows(g.getLayer(layer).getParam("W"));
    }

    /**
     * A matrix's rows as float arrays, copied in one pass (ND4J's {@code toFloatMatrix} makes a view per row:
     * minutes at 300k rows).
     *
     * @param matrix a [rows, cols] array of any order and dtype
     * @return its rows
     */
    public static float[][] rows(INDArray matrix) {
        int rows = (int) matrix.rows();
        int cols = (int) matrix.columns();
        float[] flat = matrix.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        }
        return out;
    }

    /**
     * @param a a row
     * @param b another row, at least as long as {@code a}
     * @return the dot product of two rows, accumulated in double
     */
    public static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
        }
        return d;
    }

    /**
     * Evaluates the tag model by its logits {@code dot(sampleEmb[s], tagEmb[t])}, with {@code evalNegatives} random
     * non-tags per held-out pair for the AUC, drawn from {@code new Random(seed)}.
     *
     * @param g             a tag model network ({@link TagModel})
     * @param evalNegatives random non-tags per held-out pair for the AUC, 0 or more (0 gives a NaN AUC)
     * @param seed          the evaluation seed
     * @return the evaluation, all four fields set
     */
    public Eval evaluate(ComputationGraph g, int evalNegatives, long seed) {
        float[][] se = weights(g, TagModel.SAMPLE_EMBEDDINGS);
        float[][] te = weights(g, TagModel.TAG_EMBEDDINGS);
        return evaluateLogits((s, t) -> dot(se[s], te[t]), evalNegatives, seed);
    }

    /**
     * Evaluates a model by its logits (any trainer's): AUC and hits@10 as {@link #evaluate(Scorer, int, long)}, and
     * the share of training pairs scored below {@link #CONFIDENTLY_WRONG_LOGIT} and the largest |logit| over them.
     *
     * @param logit         the model's logit for (sample, tag)
     * @param evalNegatives random non-tags per held-out pair for the AUC, 0 or more (0 gives a NaN AUC)
     * @param seed          the evaluation seed
     * @return the evaluation, all four fields set
     */
    public Eval evaluateLogits(Scorer logit, int evalNegatives, long seed) {
        Eval e = evaluate(logit, evalNegatives, seed);
        double wrong = 0;
        double maxAbs = 0;
        for (int i = 0; i < split.numTrain(); i++) {
            double x = logit.score(split.train()[0][i], split.train()[1][i]);
            if (!(x >= CONFIDENTLY_WRONG_LOGIT)) {
                wrong++;
            }
            maxAbs = Math.max(maxAbs, Math.abs(x));
        }
        return new Eval(e.auc(), e.hitsAt10(), wrong / split.numTrain(), maxAbs);
    }

    /**
     * The baseline without a model: score(s, t) = training frequency of t.
     *
     * @param evalNegatives random non-tags per held-out pair for the AUC, 0 or more (0 gives a NaN AUC)
     * @param seed          the evaluation seed
     * @return the evaluation; the last two fields NaN
     */
    public Eval evaluatePopularity(int evalNegatives, long seed) {
        return evaluate((s, t) -> trainTagCount[t], evalNegatives, seed);
    }

    /**
     * AUC and hits@10 of any scorer (the last two fields NaN), over the held-out pairs, or over a random subset of
     * {@value #MAX_EVAL_PAIRS} of them when there are more (the filtered rank scores every tag for each pair: at 1M
     * samples and 10k tags all pairs would take hours; 20,000 pairs give hits@10 within about 0.007 at 95%).
     *
     * @param scorer        the scores to evaluate
     * @param evalNegatives random non-tags per held-out pair for the AUC, 0 or more (0 gives a NaN AUC)
     * @param seed          the evaluation seed: the negatives and the subset ({@link #evaluationPairs})
     * @return the evaluation: AUC and hits@10 in [0, 1] (NaN without held-out pairs), the last two fields NaN
     */
    public Eval evaluate(Scorer scorer, int evalNegatives, long seed) {
        Random rnd = new Random(seed);
        int[] evalPairs = evaluationPairs(seed);
        int m = evalPairs.length;
        double[] pos = new double[m];
        List<Double> neg = new ArrayList<>();
        long hits = 0;
        int numTags = data.numTags();
        for (int j = 0; j < m; j++) {
            int i = evalPairs[j];
            int s = split.test()[0][i];
            int t = split.test()[1][i];
            double x = scorer.score(s, t);
            pos[j] = x;
            // negatives for AUC: tags the sample does not have at all (neither in training nor held out)
            if (data.tagsOf(s).length < numTags) {
                for (int k = 0; k < evalNegatives; k++) {
                    int u;
                    do {
                        u = rnd.nextInt(numTags);
                    } while (data.hasTag(s, u));
                    neg.add(scorer.score(s, u));
                }
            }
            // filtered rank: how many tags the sample does not have score above the held-out tag
            int above = 0;
            if (Double.isNaN(x)) {
                above = Integer.MAX_VALUE;
            } else {
                for (int u = 0; u < numTags && above < 10; u++) {
                    if (!data.hasTag(s, u) && !(scorer.score(s, u) < x)) {
                        above++; // ties and NaN count against the held-out tag
                    }
                }
            }
            if (above < 10) {
                hits++;
            }
        }
        double[] negs = neg.stream().mapToDouble(Double::doubleValue).toArray();
        return new Eval(auc(pos, negs), m == 0 ? Double.NaN : (double) hits / m, Double.NaN, Double.NaN);
    }

    /**
     * The held-out pairs that {@link #evaluate(Scorer, int, long)} scores for a seed: all of them, or a seeded random
     * subset of {@value #MAX_EVAL_PAIRS}; for peers evaluated outside a scorer (e.g. fastText's top-k predictions).
     *
     * @param seed the evaluation seed
     * @return indices into the split's held-out pairs, ascending
     */
    public int[] evaluationPairs(long seed) {
        int m = split.numTest();
        int[] all = new int[m];
        for (int i = 0; i < m; i++) {
            all[i] = i;
        }
        if (m <= MAX_EVAL_PAIRS) {
            return all;
        }
        Random pick = new Random(seed ^ 0x5DEECE66DL);
        for (int i = 0; i < MAX_EVAL_PAIRS; i++) {
            int k = i + pick.nextInt(m - i);
            int tmp = all[i];
            all[i] = all[k];
            all[k] = tmp;
        }
        int[] subset = Arrays.copyOf(all, MAX_EVAL_PAIRS);
        Arrays.sort(subset);
        return subset;
    }

    /**
     * ROC AUC = P(positive scores above negative), ties counted half (Mann-Whitney); NaN scores rank lowest.
     *
     * @param pos the positives' scores
     * @param neg the negatives' scores
     * @return the AUC in [0, 1], or NaN when {@code pos} or {@code neg} is empty
     */
    public static double auc(double[] pos, double[] neg) {
        if (pos.length == 0 || neg.length == 0) {
            return Double.NaN;
        }
        int n = pos.length + neg.length;
        double[] all = new double[n];
        boolean[] isPos = new boolean[n];
        for (int i = 0; i < pos.length; i++) {
            all[i] = Double.isNaN(pos[i]) ? Double.NEGATIVE_INFINITY : pos[i];
            isPos[i] = true;
        }
        for (int i = 0; i < neg.length; i++) {
            all[pos.length + i] = Double.isNaN(neg[i]) ? Double.NEGATIVE_INFINITY : neg[i];
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(all[a], all[b]));
        double rankSumPos = 0;
        for (int i = 0; i < n; ) {
            int j = i;
            while (j + 1 < n && all[idx[j + 1]] == all[idx[i]]) {
                j++;
            }
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (isPos[idx[k]]) {
                    rankSumPos += avgRank;
                }
            }
            i = j + 1;
        }
        return (rankSumPos - pos.length * (pos.length + 1) / 2.0) / ((double) pos.length * neg.length);
    }
}

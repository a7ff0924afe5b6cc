package org.stableloss.dl4j.embeddings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.SkipGramScalar;

/**
 * Trains two embedding tables on {@code (anchor, context)} pairs with negative sampling, word2vec / fastText style:
 * threads update only the rows a pair touches, from primitive arrays, without locks (Hogwild), with the loss of
 * {@link LossSkipGram} per pair (through {@link SkipGramScalar}: exact by default, so a confidently wrong pair keeps
 * its full gradient; {@code clamped(eps)} and the class weights as the loss defines them).
 *
 * <h2>Algorithm</h2>
 * Each epoch shuffles the pairs and splits them into {@code threads} disjoint slices, one per thread. For a pair
 * (a, c) with weight w the thread draws {@code negatives} contexts from {@code counts^samplingExponent} (the
 * contexts' occurrence counts in the training pairs unless {@link Builder#samplingWeights} replaces them; a draw
 * equal to c is drawn again, up to 10 times, then skipped), and takes one gradient step on
 * {@code w * (L(A[a]·C[c], 1) + sum_n L(A[a]·C[n], 0))}: O(negatives · dim) work, no allocation, nothing
 * proportional to the vocabularies. Updaters: {@link Updater#SGD} (default; rate decayed linearly to 0 over the
 * run, as word2vec and fastText) and {@link Updater#ADAGRAD} (one accumulator per row, as StarSpace). Anchor
 * rows start uniform in {@code ±1/dim} (from the seed), context rows at 0, unless initial tables are given.
 *
 * <p>With 1 thread a run is bit-for-bit reproducible from the seed (each epoch's shuffle and each thread's negatives
 * come from their own {@link SplittableRandom}s, derived from the seed, the epoch and the thread number; nothing is
 * shared). With more threads, lock-free updates race, as in word2vec: results vary from run to run at about the
 * level of a different seed.
 *
 * <h2>Early stopping</h2>
 * Given held-out pairs, the trainer measures their mean loss (each held-out pair with {@code negatives} negatives
 * drawn once from a fixed seed, so every epoch is measured on the same terms) after each epoch, stops when it has
 * not improved for {@link Builder#patience} epochs, and returns the tables of the best epoch.
 *
 * <h2>Progress</h2>
 * Every few seconds (see {@link Builder#progressSeconds}) an INFO line: epoch, pairs done, pairs/s, the mean loss per
 * pair (estimated from every 8th pair) and the estimated time left.
 *
 * <p>Memory: the two tables ({@code 4 * (numAnchors + numContexts) * dim} bytes), one float per row with AdaGrad,
 * 4 bytes per pair for the shuffle, 8 bytes per context for the sampler, and a copy of the tables while early
 * stopping keeps the best epoch. Instances are immutable and thread-safe; each {@code train} call runs on its own
 * threads.
 */
public final class PairTrainer {

    /** How rows are updated. */
    public enum Updater {
        /** Per-row AdaGrad (one accumulator per row, StarSpace's choice): rate / sqrt(sum of mean squared gradients). */
        ADAGRAD,
        /** Plain SGD with the rate decayed linearly to 0 over all epochs (word2vec's and fastText's choice). */
        SGD
    }

    private static final Logger log = LoggerFactory.getLogger(PairTrainer.class);
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final int dim;
    private final int negatives;
    private final int threads;
    private final int epochs;
    private final double learningRate;
    private final long seed;
    private final LossSkipGram loss;
    private final SkipGramScalar scalar;
    private final double samplingExponent;
    private final double[] samplingWeights;
    private final Updater updater;
    private final int patience;
    private final double progressSeconds;

    private PairTrainer(Builder b) {
        this.dim = b.dim;
        this.negatives = b.negatives;
        this.threads = b.threads;
        this.epochs = b.epochs;
        this.learningRate = Double.isNaN(b.learningRate) ? defaultLearningRate(b.updater) : b.learningRate;
        this.seed = b.seed;
        this.loss = b.loss;
        this.scalar = SkipGramScalar.of(b.loss);
        this.samplingExponent = b.samplingExponent;
        this.samplingWeights = b.samplingWeights == null ? null : b.samplingWeights.clone();
        this.updater = b.updater;
        this.patience = b.patience;
        this.progressSeconds = b.progressSeconds;
    }

    /** @return a builder with the defaults listed on its setters */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The default learning rate of an updater: 0.1 for SGD, 0.05 for AdaGrad.
     *
     * @param updater the updater
     * @return its default learning rate
     */
    public static double defaultLearningRate(Updater updater) {
        return updater == Updater.SGD ? 0.1 : 0.05;
    }

    /** @return the embedding dimension */
    public int dim() {
        return dim;
    }

    /** @return negatives per pair */
    public int negatives() {
        return negatives;
    }

    /** @return the number of threads */
    public int threads() {
        return threads;
    }

    /** @return the number of epochs (the most, with early stopping) */
    public int epochs() {
        return epochs;
    }

    /** @return the base learning rate */
    public double learningRate() {
        return learningRate;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return the loss */
    public LossSkipGram loss() {
        return loss;
    }

    /** @return the negative-sampling exponent */
    public double samplingExponent() {
        return samplingExponent;
    }

    /** @return the updater */
    public Updater updater() {
        return updater;
    }

    /** @return epochs without a better held-out loss before early stopping ends a run */
    public int patience() {
        return patience;
    }

    /**
     * Trains new tables for {@link #epochs()} epochs.
     *
     * @param pairs the training pairs
     * @return the tables and what the run measured
     * @throws IllegalArgumentException when {@link Builder#samplingWeights} does not match the contexts, or the
     *                                  tables would exceed 2^31 - 1 values
     */
    public Result train(PairData pairs) {
        return train(pairs, null, null);
    }

    /**
     * Trains new tables, stopping early on the held-out pairs' loss.
     *
     * @param pairs   the training pairs
     * @param heldOut pairs over the same vocabularies, never trained on, or null to train all {@link #epochs()}
     * @return the tables of the best epoch (the last, without held-out pairs) and what the run measured
     * @throws IllegalArgumentException as {@link #train(PairData)}, and when {@code heldOut}'s vocabularies differ
     */
    public Result train(PairData pairs, PairData heldOut) {
        return train(pairs, heldOut, null);
    }

    /**
     * Trains tables starting from {@code initial} (e.g. a network's tables, read with {@link DL4JTables}), stopping
     * early on the held-out pairs' loss when they are given. {@code initial} is not modified.
     *
     * @param pairs   the training pairs
     * @param heldOut held-out pairs over the same vocabularies, or null
     * @param initial tables of {@code pairs}' sizes and {@link #dim()}, or null to start from random anchor rows and
     *                zero context rows
     * @return the trained tables and what the run measured
     * @throws IllegalArgumentException as {@link #train(PairData, PairData)}, and when {@code initial}'s shape
     *                                  differs
     */
    public Result train(PairData pairs, PairData heldOut, EmbeddingTables initial) {
        Args.notNull(pairs, "pairs");
        int numAnchors = pairs.numAnchors();
        int numContexts = pairs.numContexts();
        Args.check((long) numAnchors * dim <= Integer.MAX_VALUE - 8 && (long) numContexts * dim <= Integer.MAX_VALUE - 8,
                "pairs: expected tables of at most 2^31 - 9 values, got %d x %d anchors and %d x %d contexts",
                numAnchors, dim, numContexts, dim);
        if (heldOut != null) {
            Args.check(heldOut.numAnchors() == numAnchors && heldOut.numContexts() == numContexts,
                    "heldOut: expected the training pairs' vocabularies (%d anchors, %d contexts), got %d and %d",
                    numAnchors, numContexts, heldOut.numAnchors(), heldOut.numContexts());
        }
        float[] anchors;
        float[] contexts;
        if (initial != null) {
            Args.check(initial.dim() == dim && initial.numAnchors() == numAnchors
                            && initial.numContexts() == numContexts,
                    "initial: expected tables [%d, %d] and [%d, %d], got [%d, %d] and [%d, %d]", numAnchors, dim,
                    numContexts, dim, initial.numAnchors(), initial.dim(), initial.numContexts(), initial.dim());
            anchors = initial.anchors();
            contexts = initial.contexts();
        } else {
            anchors = new float[numAnchors * dim];
            contexts = new float[numContexts * dim];
            SplittableRandom init = new SplittableRandom(mix(seed, -1, 0));
            for (int i = 0; i < anchors.length; i++) {
                anchors[i] = (float) ((init.nextDouble() * 2 - 1) / dim);
            }
        }
        AliasSampler sampler = sampler(pairs);
        boolean sgd = updater == Updater.SGD;
        float[] anchorSquares = sgd ? null : new float[numAnchors];
        float[] contextSquares = sgd ? null : new float[numContexts];
        PairKernel[] kernels = new PairKernel[threads];
        for (int t = 0; t < threads; t++) {
            kernels[t] = new PairKernel(anchors, contexts, anchorSquares, contextSquares, dim, negatives, sampler,
                    scalar);
        }
        int n = pairs.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        log.info("PairTrainer: {} pairs, {} anchors x {} contexts, dim {}, {} negatives, {} threads, {} epochs, {} lr"
                        + " {}, loss {}{}", n, numAnchors, numContexts, dim, negatives, threads, epochs, updater,
                learningRate, loss, heldOut == null ? "" : ", early stopping on " + heldOut.size() + " held-out pairs");
        Validation validation = heldOut == null ? null : new Validation(heldOut, sampler);
        List<Double> trainLoss = new ArrayList<>();
        List<Double> heldOutLoss = new ArrayList<>();
        float[] bestAnchors = null;
        float[] bestContexts = null;
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        long trainNanos = 0;
        long trained = 0;
        for (int e = 0; e < epochs && (validation == null || e - bestEpoch < patience); e++) {
            shuffle(order, new SplittableRandom(mix(seed, e, -1)));
            long t0 = System.nanoTime();
            double epochLoss = epoch(pairs, order, kernels, e);
            trainNanos += System.nanoTime() - t0;
            trained += n;
            trainLoss.add(epochLoss);
            if (validation != null) {
                double v = validation.loss(anchors, contexts);
                heldOutLoss.add(v);
                boolean better = v < best;
                log.info("PairTrainer: epoch {}: training loss {}, held-out loss {}{}", e + 1, f(epochLoss), f(v),
                        better ? " (best so far)" : "");
                if (better) {
                    best = v;
                    bestEpoch = e + 1;
                    bestAnchors = copyInto(anchors, bestAnchors);
                    bestContexts = copyInto(contexts, bestContexts);
                }
            } else {
                log.info("PairTrainer: epoch {}: training loss {}", e + 1, f(epochLoss));
                bestEpoch = e + 1;
            }
        }
        if (validation != null) {
            Args.check(bestAnchors != null, "heldOut: the held-out loss was never finite in %d epochs (%s)",
                    heldOutLoss.size(), heldOutLoss);
            anchors = bestAnchors;
            contexts = bestContexts;
        }
        double seconds = trainNanos / 1e9;
        Result result = new Result(new EmbeddingTables(anchors, numAnchors, contexts, numContexts, dim),
                trainLoss.size(), bestEpoch, toArray(trainLoss), toArray(heldOutLoss), seconds,
                seconds > 0 ? trained / seconds : 0);
        log.info("PairTrainer: done, {} epochs (best {}), {} pairs/s, {} s of training", result.epochsTrained(),
                result.bestEpoch(), Math.round(result.pairsPerSecond()), f(seconds));
        return result;
    }

    private AliasSampler sampler(PairData pairs) {
        double[] weights;
        if (samplingWeights != null) {
            Args.check(samplingWeights.length == pairs.numContexts(),
                    "samplingWeights: expected one weight per context (%d), got %d", pairs.numContexts(),
                    samplingWeights.length);
            weights = samplingWeights;
        } else {
            long[] counts = pairs.contextCounts();
            weights = new double[counts.length];
            for (int i = 0; i < counts.length; i++) {
                weights[i] = counts[i];
            }
        }
        return AliasSampler.of(weights, samplingExponent);
    }

    /** One epoch over {@code order} on all threads; returns the mean sampled loss per pair. */
    private double epoch(PairData pairs, int[] order, PairKernel[] kernels, int epoch) {
        int n = order.length;
        int t = kernels.length;
        double[][] sums = new double[t][];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] workers = new Thread[t];
        for (int k = 0; k < t; k++) {
            int id = k;
            int from = (int) ((long) n * k / t);
            int to = (int) ((long) n * (k + 1) / t);
            double perPair = 1.0 / ((double) (to - from) * epochs);
            double progress0 = (double) epoch / epochs;
            kernels[k].resetProgress();
            workers[k] = new Thread(() -> {
                try {
                    sums[id] = kernels[id].train(pairs, order, from, to, new SplittableRandom(mix(seed, epoch, id)),
                            learningRate, updater == Updater.SGD, progress0, perPair);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "pair-trainer-" + k);
            workers[k].setDaemon(true);
        }
        long start = System.nanoTime();
        for (Thread w : workers) {
            w.start();
        }
        long nextLog = start + (long) (progressSeconds * 1e9);
        try {
            for (Thread w : workers) {
                while (w.isAlive()) {
                    long now = System.nanoTime();
                    if (now >= nextLog) {
                        progress(kernels, epoch, n, (now - start) / 1e9);
                        nextLog = now + (long) (progressSeconds * 1e9);
                    }
                    w.join(Math.max(1, Math.min(1000, (nextLog - now) / 1_000_000)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("PairTrainer: interrupted while training", e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("PairTrainer: a training thread failed", failure.get());
        }
        double loss = 0;
        double count = 0;
        for (double[] s : sums) {
            loss += s[0];
            count += s[1];
        }
        return count == 0 ? 0 : loss / count;
    }

    private void progress(PairKernel[] kernels, int epoch, int n, double seconds) {
        long done = 0;
        double loss = 0;
        long count = 0;
        for (PairKernel k : kernels) {
            done += k.published();
            loss += k.publishedLoss();
            count += k.publishedLossCount();
        }
        double rate = done / seconds;
        double left = ((double) (epochs - epoch) * n - done) / Math.max(rate, 1);
        log.info("PairTrainer: epoch {}/{}, {}% of its pairs, {} pairs/s, loss {}, at most {} s left", epoch + 1,
                epochs, Math.round(100.0 * done / n), Math.round(rate), count == 0 ? "-" : f(loss / count),
                Math.round(left));
    }

    private static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }

    /** A seed for one (epoch, thread) stream: distinct inputs give unrelated streams. */
    static long mix(long seed, int epoch, int thread) {
        long z = seed + GOLDEN * (1 + ((long) epoch << 20) + thread);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static float[] copyInto(float[] src, float[] dst) {
        if (dst == null) {
            return src.clone();
        }
        System.arraycopy(src, 0, dst, 0, src.length);
        return dst;
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.5f", v);
    }

    @Override
    public String toString() {
        return "PairTrainer{dim=" + dim + ", negatives=" + negatives + ", threads=" + threads + ", epochs=" + epochs
                + ", learningRate=" + learningRate + ", updater=" + updater + ", seed=" + seed + ", loss=" + loss
                + ", samplingExponent=" + samplingExponent + ", samplingWeights="
                + (samplingWeights == null ? "counts" : samplingWeights.length + " values") + ", patience=" + patience
                + "}";
    }

    /** The held-out loss: each pair with fixed negatives, drawn once. */
    private final class Validation {
        private final PairData pairs;
        private final int[] drawn;

        Validation(PairData pairs, AliasSampler sampler) {
            this.pairs = pairs;
            this.drawn = new int[pairs.size() * negatives];
            SplittableRandom rng = new SplittableRandom(mix(seed, -2, 0));
            for (int i = 0; i < pairs.size(); i++) {
                for (int k = 0; k < negatives; k++) {
                    int c = pairs.context(i);
                    int d = sampler.sample(rng.nextLong());
                    for (int draw = 1; d == c && draw < PairKernel.MAX_DRAWS; draw++) {
                        d = sampler.sample(rng.nextLong());
                    }
                    drawn[i * negatives + k] = d == c ? -1 : d;
                }
            }
        }

        /** The mean weighted loss per held-out pair. */
        double loss(float[] anchors, float[] contexts) {
            double sum = 0;
            double weight = 0;
            for (int i = 0; i < pairs.size(); i++) {
                int a = pairs.anchor(i) * dim;
                double w = pairs.weight(i);
                double l = scalar.loss(Rows.dot(anchors, a, contexts, pairs.context(i) * dim, dim), 1.0);
                for (int k = 0; k < negatives; k++) {
                    int d = drawn[i * negatives + k];
                    if (d >= 0) {
                        l += scalar.loss(Rows.dot(anchors, a, contexts, d * dim, dim), 0.0);
                    }
                }
                sum += w * l;
                weight += w;
            }
            return weight == 0 ? 0 : sum / weight;
        }
    }

    /** What a run produced: the tables and its measurements. */
    public static final class Result {
        private final EmbeddingTables tables;
        private final int epochsTrained;
        private final int bestEpoch;
        private final double[] trainingLoss;
        private final double[] heldOutLoss;
        private final double trainSeconds;
        private final double pairsPerSecond;

        Result(EmbeddingTables tables, int epochsTrained, int bestEpoch, double[] trainingLoss, double[] heldOutLoss,
               double trainSeconds, double pairsPerSecond) {
            this.tables = tables;
            this.epochsTrained = epochsTrained;
            this.bestEpoch = bestEpoch;
            this.trainingLoss = trainingLoss;
            this.heldOutLoss = heldOutLoss;
            this.trainSeconds = trainSeconds;
            this.pairsPerSecond = pairsPerSecond;
        }

        /** @return the trained tables (of the best epoch when early stopping) */
        public EmbeddingTables tables() {
            return tables;
        }

        /** @return epochs trained */
        public int epochsTrained() {
            return epochsTrained;
        }

        /** @return the 1-based epoch whose tables {@link #tables()} holds */
        public int bestEpoch() {
            return bestEpoch;
        }

        /** @return per epoch, the mean training loss per pair (estimated from every 8th pair), weighted */
        public double[] trainingLoss() {
            return trainingLoss.clone();
        }

        /** @return per epoch, the held-out loss per pair; empty without held-out pairs */
        public double[] heldOutLoss() {
            return heldOutLoss.clone();
        }

        /** @return seconds spent in training epochs (without the held-out evaluations) */
        public double trainSeconds() {
            return trainSeconds;
        }

        /** @return training pairs per second over all epochs */
        public double pairsPerSecond() {
            return pairsPerSecond;
        }

        @Override
        public String toString() {
            return "PairTrainer.Result{epochs=" + epochsTrained + ", bestEpoch=" + bestEpoch + ", trainingLoss="
                    + Arrays.toString(trainingLoss) + ", heldOutLoss=" + Arrays.toString(heldOutLoss)
                    + ", trainSeconds=" + trainSeconds + ", pairsPerSecond=" + pairsPerSecond + "}";
        }
    }

    /** Configures a {@link PairTrainer}. Every setter checks its value at once. */
    public static final class Builder {
        private int dim = 32;
        private int negatives = 5;
        private int threads = maxThreads();
        private int epochs = 20;
        private double learningRate = Double.NaN;
        private long seed = 42;
        private LossSkipGram loss = new LossSkipGram();
        private double samplingExponent = 0.75;
        private double[] samplingWeights;
        private Updater updater = Updater.SGD;
        private int patience = 2;
        private double progressSeconds = 5;

        private Builder() {
        }

        private static int maxThreads() {
            return Math.max(1, Nd4j.getEnvironment().maxThreads());
        }

        /**
         * @param dim the embedding dimension, in [1, 4096]; default 32
         * @return this
         */
        public Builder dim(int dim) {
            this.dim = Args.inRange(dim, 1, 4096, "dim");
            return this;
        }

        /**
         * @param negatives negatives per pair, in [0, 1000]; default 5
         * @return this
         */
        public Builder negatives(int negatives) {
            this.negatives = Args.inRange(negatives, 0, 1000, "negatives");
            return this;
        }

        /**
         * @param threads training threads, in [1, {@code Nd4j.getEnvironment().maxThreads()}] (ND4J's thread budget,
         *                set by {@code OMP_NUM_THREADS}, else the core count); default that budget
         * @return this
         */
        public Builder threads(int threads) {
            this.threads = Args.inRange(threads, 1, maxThreads(), "threads");
            return this;
        }

        /**
         * @param epochs epochs, or the most epochs when early stopping, in [1, 100000]; default 20
         * @return this
         */
        public Builder epochs(int epochs) {
            this.epochs = Args.inRange(epochs, 1, 100_000, "epochs");
            return this;
        }

        /**
         * @param learningRate the base learning rate, finite and in (0, 100]; default
         *                     {@link #defaultLearningRate(Updater)} of the updater
         * @return this
         */
        public Builder learningRate(double learningRate) {
            Args.check(Double.isFinite(learningRate) && learningRate > 0 && learningRate <= 100,
                    "learningRate: expected a finite value in (0, 100], got %s", learningRate);
            this.learningRate = learningRate;
            return this;
        }

        /**
         * @param seed the seed of the initial rows, the shuffles and the negatives; default 42
         * @return this
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param loss the loss per pair (exact or clamped, class weights); default the exact {@code LossSkipGram};
         *             it must have no per-output weights
         * @return this
         */
        public Builder loss(LossSkipGram loss) {
            SkipGramScalar.of(Args.notNull(loss, "loss"));
            this.loss = loss;
            return this;
        }

        /**
         * @param exponent the exponent of the negative-sampling distribution {@code counts^exponent}, finite and
         *                 in [0, 2]; default 0.75 (word2vec's); 0 samples the contexts that occur uniformly
         * @return this
         */
        public Builder samplingExponent(double exponent) {
            Args.check(Double.isFinite(exponent) && exponent >= 0 && exponent <= 2,
                    "samplingExponent: expected a finite value in [0, 2], got %s", exponent);
            this.samplingExponent = exponent;
            return this;
        }

        /**
         * @param weights per context, finite and {@code >= 0}, not all 0: the negatives are drawn from
         *                {@code weights^exponent} instead of the contexts' counts in the training pairs; null for the
         *                counts (default); copied
         * @return this
         */
        public Builder samplingWeights(double[] weights) {
            if (weights != null) {
                AliasSampler.of(weights, 1.0);
            }
            this.samplingWeights = weights == null ? null : weights.clone();
            return this;
        }

        /**
         * @param updater the updater; default {@link Updater#SGD} (docs/vocabulary-scale.md compares the two)
         * @return this
         */
        public Builder updater(Updater updater) {
            this.updater = Args.notNull(updater, "updater");
            return this;
        }

        /**
         * @param patience with held-out pairs, epochs without a better held-out loss before training stops, in
         *                 [1, 1000]; default 2
         * @return this
         */
        public Builder patience(int patience) {
            this.patience = Args.inRange(patience, 1, 1000, "patience");
            return this;
        }

        /**
         * @param seconds seconds between two progress lines (SLF4J INFO), finite and {@code > 0}; default 5
         * @return this
         */
        public Builder progressSeconds(double seconds) {
            this.progressSeconds = Args.positive(seconds, "progressSeconds");
            return this;
        }

        /** @return the trainer */
        public PairTrainer build() {
            return new PairTrainer(this);
        }
    }
}

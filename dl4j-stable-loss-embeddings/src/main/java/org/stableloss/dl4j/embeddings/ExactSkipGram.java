package org.stableloss.dl4j.embeddings;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.deeplearning4j.models.embeddings.WeightLookupTable;
import org.deeplearning4j.models.embeddings.inmemory.InMemoryLookupTable;
import org.deeplearning4j.models.embeddings.learning.ElementsLearningAlgorithm;
import org.deeplearning4j.models.embeddings.learning.impl.elements.BatchSequences;
import org.deeplearning4j.models.embeddings.loader.VectorsConfiguration;
import org.deeplearning4j.models.sequencevectors.interfaces.SequenceIterator;
import org.deeplearning4j.models.sequencevectors.sequence.Sequence;
import org.deeplearning4j.models.sequencevectors.sequence.SequenceElement;
import org.deeplearning4j.models.word2vec.wordstore.VocabCache;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.SkipGramScalar;

/**
 * Skip-gram with negative sampling for DL4J's {@code Word2Vec}, {@code SequenceVectors} and {@code ParagraphVectors}
 * with the exact gradient of {@link LossSkipGram} (through {@link SkipGramScalar}) instead of DL4J's sigmoid table
 * clamped at ±6:
 * <pre>
 *   new Word2Vec.Builder()...negativeSample(5).useHierarchicSoftmax(false)
 *       .elementsLearningAlgorithm(new ExactSkipGram&lt;&gt;())...build();
 * </pre>
 *
 * <p>The same pairs as DL4J's {@code SkipGram}: for each element of a sequence (after the configuration's
 * subsampling), the elements within a window shrunk by a random {@code b} in [0, window) on each side; elements
 * labelled {@code STOP} or {@code UNK}, and an element paired with itself, are skipped. For a pair (center w,
 * neighbour u): the anchor row is {@code syn0[u]}, the positive context row {@code syn1Neg[w]}, and
 * {@code negative} contexts are drawn from the elements' frequencies^0.75 (a draw equal to w is drawn again, up to 10
 * times, then skipped). Each context row gets {@code syn1Neg[n] -= alpha * g * syn0[u]} and then the anchor row
 * {@code syn0[u] -= alpha * sum g * syn1Neg[n]}, with {@code g = dL/dx} of the loss at the logit
 * {@code x = syn0[u]·syn1Neg[n]} and {@code alpha} the learning rate SequenceVectors passes in (decayed linearly).
 * A confidently wrong pair (x far below 0 for a positive, far above for a negative) keeps its full gradient.
 *
 * <p>The rows are read and written in place in the lookup table's {@code syn0} and {@code syn1Neg} (FLOAT,
 * C-order, {@code [V, layerSize]}) from SequenceVectors' worker threads, lock-free like DL4J's own algorithm; per pair
 * O(negative · layerSize) work and no allocation. Requires an {@link InMemoryLookupTable}, {@code negativeSample > 0}
 * and {@code useHierarchicSoftmax(false)} (hierarchical softmax is not implemented). {@link #learnSequence} returns
 * the sequence's mean loss per pair (0 for a sequence without pairs).
 *
 * @param <T> the element type
 */
public final class ExactSkipGram<T extends SequenceElement> implements ElementsLearningAlgorithm<T> {

    private static final Logger log = LoggerFactory.getLogger(ExactSkipGram.class);
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final LossSkipGram loss;
    private final SkipGramScalar scalar;
    private final ThreadLocal<Scratch> scratch = new ThreadLocal<>();

    private VocabCache<T> vocab;
    private FloatBuffer syn0;
    private FloatBuffer syn1Neg;
    private AliasSampler sampler;
    private int dim;
    private int negatives;
    private int window;
    private int[] variableWindows;
    private double sampling;
    private double totalWords;

    /** With the exact {@link LossSkipGram} (the no-argument constructor DL4J's configuration by class name needs). */
    public ExactSkipGram() {
        this(new LossSkipGram());
    }

    /**
     * @param loss the loss per pair (exact or clamped, class weights); it must have no per-output weights
     * @throws IllegalArgumentException for a null loss or one with per-output weights
     */
    public ExactSkipGram(LossSkipGram loss) {
        this.scalar = SkipGramScalar.of(Args.notNull(loss, "loss"));
        this.loss = loss;
    }

    /** @return the loss */
    public LossSkipGram getLoss() {
        return loss;
    }

    @Override
    public String getCodeName() {
        return "ExactSkipGram";
    }

    /**
     * Binds the algorithm to the vocabulary and the lookup table (allocating {@code syn1Neg} when it is missing, as
     * DL4J's {@code SkipGram} does) and builds the negative sampler from the elements' frequencies.
     *
     * @throws IllegalArgumentException when the table is not an {@link InMemoryLookupTable}, negative sampling is off,
     *                                  hierarchical softmax is on, or the tables are not FLOAT C-order
     *                                  {@code [V, layerSize]}
     */
    @Override
    public void configure(VocabCache<T> vocabCache, WeightLookupTable<T> lookupTable,
                          VectorsConfiguration configuration) {
        Args.notNull(vocabCache, "vocabCache");
        Args.notNull(configuration, "configuration");
        Args.check(lookupTable instanceof InMemoryLookupTable,
                "lookupTable: expected an InMemoryLookupTable, got %s",
                lookupTable == null ? null : lookupTable.getClass().getName());
        Args.check(configuration.getNegative() > 0,
                "configuration.negative: expected negativeSample(K) with K > 0 (ExactSkipGram trains negative"
                        + " sampling), got %s", configuration.getNegative());
        Args.check(!configuration.isUseHierarchicSoftmax(),
                "configuration.useHierarchicSoftmax: expected false (ExactSkipGram trains negative sampling only),"
                        + " got true");
        InMemoryLookupTable<T> table = (InMemoryLookupTable<T>) lookupTable;
        if (table.getSyn1Neg() == null) {
            table.setUseHS(false);
            table.setNegative(configuration.getNegative());
            table.resetWeights(false);
        }
        this.vocab = vocabCache;
        this.dim = configuration.getLayersSize();
        int words = vocabCache.numWords();
        this.syn0 = floats(table.getSyn0(), words, dim, "syn0");
        this.syn1Neg = floats(table.getSyn1Neg(), words, dim, "syn1Neg");
        this.negatives = (int) configuration.getNegative();
        this.window = configuration.getWindow();
        this.variableWindows = configuration.getVariableWindows();
        this.sampling = configuration.getSampling();
        this.totalWords = vocabCache.totalWordOccurrences();
        double[] frequencies = new double[words];
        for (int i = 0; i < words; i++) {
            frequencies[i] = vocabCache.elementAtIndex(i).getElementFrequency();
        }
        this.sampler = AliasSampler.of(frequencies, 0.75);
        log.info("ExactSkipGram: {} elements, layer size {}, window {}, {} negatives, loss {}", words, dim, window,
                negatives, loss);
    }

    private static FloatBuffer floats(INDArray table, int rows, int dim, String name) {
        Args.check(table != null && table.dataType() == DataType.FLOAT && table.ordering() == 'c'
                        && table.rank() == 2 && table.rows() == rows && table.columns() == dim
                        && Shape.hasDefaultStridesForShape(table) && table.offset() == 0
                        && table.data().offset() == 0,
                "%s: expected a FLOAT C-order [%d, %d] table, got %s", name, rows, dim,
                table == null ? null : table.dataType() + " " + table.ordering() + " "
                        + java.util.Arrays.toString(table.shape()));
        return table.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Nothing to prepare. */
    @Override
    public void pretrain(SequenceIterator<T> iterator) {
        // skip-gram needs no pass before training
    }

    /**
     * Trains on the pairs of one sequence.
     *
     * @param sequence     the sequence
     * @param nextRandom   the calling worker's random state (read as a seed and advanced)
     * @param learningRate the rate for this sequence
     * @return the mean loss per pair, 0 when the sequence has no pair
     */
    @Override
    public double learnSequence(Sequence<T> sequence, AtomicLong nextRandom, double learningRate) {
        List<T> elements = sequence.getElements();
        long r = nextRandom.get();
        Scratch s = scratch.get();
        if (s == null || s.gradient.length != dim || s.negatives.length != negatives) {
            s = new Scratch(dim, negatives);
            scratch.set(s);
        }
        int n = elements.size();
        int[] kept = sampling > 0 ? new int[n] : null;
        int count = n;
        if (kept != null) {
            count = 0;
            for (int i = 0; i < n; i++) {
                r = next(r);
                if (keep(elements.get(i), r)) {
                    kept[count++] = i;
                }
            }
        }
        int w = window;
        if (variableWindows != null && variableWindows.length > 0) {
            r = next(r);
            w = variableWindows[(int) Math.floorMod(r, (long) variableWindows.length)];
        }
        double lossSum = 0;
        long pairs = 0;
        float rate = (float) learningRate;
        for (int i = 0; i < count; i++) {
            T word = elements.get(kept == null ? i : kept[i]);
            if (skipped(word)) {
                continue;
            }
            r = next(r);
            int b = w <= 1 ? 0 : (int) Math.floorMod(r, (long) w);
            for (int a = b; a < 2 * w + 1 - b; a++) {
                int c = i - w + a;
                if (a == w || c < 0 || c >= count) {
                    continue;
                }
                T last = elements.get(kept == null ? c : kept[c]);
                if (skipped(last) || last.getIndex() == word.getIndex()) {
                    continue;
                }
                r = next(r);
                lossSum += pair(last.getIndex(), word.getIndex(), rate, r, s);
                // a state the pair's own draws (next(r), next(next(r)), ...) do not reach soon
                r = next(r ^ 0x5DEECE66DL);
                pairs++;
            }
        }
        nextRandom.set(r);
        return pairs == 0 ? 0 : lossSum / pairs;
    }

    /** Ignores {@code batchSequences}: each pair is trained at once, so there is nothing to batch. */
    @Override
    public double learnSequence(Sequence<T> sequence, AtomicLong nextRandom, double learningRate,
                                BatchSequences<T> batchSequences) {
        return learnSequence(sequence, nextRandom, learningRate);
    }

    /** @return false: skip-gram has no early termination */
    @Override
    public boolean isEarlyTerminationHit() {
        return false;
    }

    /** Nothing is buffered. */
    @Override
    public void finish() {
        // every pair was applied when it was seen
    }

    private static boolean skipped(SequenceElement e) {
        return e == null || e.getIndex() < 0 || "STOP".equals(e.getLabel()) || "UNK".equals(e.getLabel());
    }

    /** word2vec's subsampling of frequent elements, as DL4J's SkipGram applies it. */
    private boolean keep(T element, long random) {
        double f = element.getElementFrequency();
        double ran = (Math.sqrt(f / (sampling * totalWords)) + 1) * (sampling * totalWords) / f;
        return ran >= ((random >>> 11) & 0xFFFF) / 65536.0;
    }

    /** SplitMix64: the next random state. */
    private static long next(long state) {
        long z = state + GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * One pair: anchor row {@code syn0[anchor]}, positive context {@code syn1Neg[context]}, drawn negatives.
     *
     * @return the pair's loss (positive and negative terms)
     */
    private double pair(int anchor, int context, float rate, long random, Scratch s) {
        long r = random;
        int count = 0;
        for (int k = 0; k < negatives; k++) {
            r = next(r);
            int n = sampler.sample(r);
            for (int draw = 1; n == context && draw < PairKernel.MAX_DRAWS; draw++) {
                r = next(r);
                n = sampler.sample(r);
            }
            if (n != context) {
                s.negatives[count++] = n;
            }
        }
        return update(anchor, context, s.negatives, count, rate, s.gradient);
    }

    /**
     * The update of one pair with given negatives: each context row (positive first, then the negatives in order)
     * gets {@code -rate * g * syn0[anchor]}, then the anchor row gets {@code -rate * sum g * syn1Neg[n]}.
     *
     * @param negatives the negatives' ids, {@code count} of them
     * @param gradient  scratch of length {@code layerSize}
     * @return the pair's loss
     */
    double update(int anchor, int context, int[] negatives, int count, float rate, float[] gradient) {
        int a = anchor * dim;
        for (int i = 0; i < dim; i++) {
            gradient[i] = 0;
        }
        double l = term(a, context, 1.0, rate, gradient);
        for (int k = 0; k < count; k++) {
            l += term(a, negatives[k], 0.0, rate, gradient);
        }
        for (int i = 0; i < dim; i++) {
            syn0.put(a + i, syn0.get(a + i) - rate * gradient[i]);
        }
        return l;
    }

    private double term(int a, int context, double label, float rate, float[] gradient) {
        int c = context * dim;
        float dot = 0;
        for (int i = 0; i < dim; i++) {
            dot += syn0.get(a + i) * syn1Neg.get(c + i);
        }
        float g = (float) scalar.gradient(dot, label);
        float step = -rate * g;
        for (int i = 0; i < dim; i++) {
            float ci = syn1Neg.get(c + i);
            gradient[i] += g * ci;
            syn1Neg.put(c + i, ci + step * syn0.get(a + i));
        }
        return scalar.loss(dot, label);
    }

    /** One worker thread's scratch: the anchor's gradient and the drawn negatives. */
    private static final class Scratch {
        final float[] gradient;
        final int[] negatives;

        Scratch(int dim, int negatives) {
            this.gradient = new float[dim];
            this.negatives = new int[negatives];
        }
    }
}

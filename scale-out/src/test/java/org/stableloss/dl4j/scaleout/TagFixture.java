package org.stableloss.dl4j.scaleout;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.stableloss.dl4j.embeddings.RowSparseParamInitializer;
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.tags.TagModel;
import org.stableloss.dl4j.embeddings.tags.TagPairs;

/**
 * The samples' Debtags fixture (477 packages, 174 tags; 2,151 training and 151 held-out pairs with seed 42) and the
 * tag model's settings shared by the scale-out tests, plus the single-machine baseline they are compared with.
 *
 * <p>Update counts: one worker trains {@link #SINGLE_EPOCHS} epochs of {@code ceil(2151 / 64) = 34} batches. With
 * parameter averaging over 2 workers each worker sees half of every epoch, so the scale-out runs train
 * {@link #SCALE_OUT_EPOCHS} = 2 x {@link #SINGLE_EPOCHS} epochs: the same number of updates per parameter copy.
 */
final class TagFixture {

    static final Path FILE = Path.of("../samples/src/test/resources/debtags-small.tsv");
    static final int SINGLE_EPOCHS = 8;
    static final int WORKERS = 2;
    static final int SCALE_OUT_EPOCHS = WORKERS * SINGLE_EPOCHS;

    static final TagData DATA = TagData.load(FILE);
    static final TagData.Split SPLIT = DATA.split(0.1, 42);
    static final TagPairs PAIRS = new TagPairs(DATA, SPLIT);

    private static Baseline baseline;

    private TagFixture() {
    }

    /**
     * The options of every run here: batches of 64 pairs (34 per epoch), the row-sparse layers at their default
     * (AdaGrad 0.1), averaging every 4 batches per worker; seed 42.
     */
    static SparkTagEmbeddings.Options options(int epochs) {
        SparkTagEmbeddings.Options o = new SparkTagEmbeddings.Options();
        o.epochs = epochs;
        o.batch = 64;
        o.averagingFrequency = 4;
        o.seed = 42;
        return o;
    }

    static ComputationGraph newGraph() {
        return SparkTagEmbeddings.newGraph(DATA, options(1));
    }

    static TagPairs.Eval evaluate(ComputationGraph g) {
        SparkTagEmbeddings.Options o = options(1);
        return PAIRS.evaluate(g, o.evalNegatives, o.seed + 1);
    }

    static List<MultiDataSet> heldOut() {
        SparkTagEmbeddings.Options o = options(1);
        return PAIRS.heldOutBatches(o.negatives, o.batch, o.seed + 2);
    }

    static double heldOutLoss(ComputationGraph g) {
        return g.score(org.nd4j.linalg.dataset.MultiDataSet.merge(heldOut()));
    }

    /** Single-machine result. */
    /**
     * Single-machine result; {@code accumulatorSum} is the sum of both row-sparse layers' AdaGrad accumulators
     * ({@link #accumulatorSum}).
     */
    record Baseline(TagPairs.Eval eval, double heldOutLoss, long nonFiniteSteps, double seconds,
                    double accumulatorSum) {
    }

    /**
     * The sum of the sample and tag layers' per-row AdaGrad accumulators (parameters
     * {@value RowSparseParamInitializer#ADAGRAD_KEY}): the squared gradients the model has accumulated.
     */
    static double accumulatorSum(ComputationGraph g) {
        double sum = 0;
        for (String layer : new String[]{TagModel.SAMPLE_EMBEDDINGS, TagModel.TAG_EMBEDDINGS}) {
            sum += g.getLayer(layer).getParam(RowSparseParamInitializer.ADAGRAD_KEY).sumNumber().doubleValue();
        }
        return sum;
    }

    /** One worker, {@link #SINGLE_EPOCHS} epochs of plain {@code fit(batch)}; computed once per test JVM. */
    static synchronized Baseline singleMachine() {
        if (baseline == null) {
            SparkTagEmbeddings.Options o = options(SINGLE_EPOCHS);
            ComputationGraph g = newGraph();
            TagPairs.Batches batches = PAIRS.batches(o.negatives, o.batch, o.seed);
            long nonFinite = 0;
            long t0 = System.nanoTime();
            for (int e = 0; e < o.epochs; e++) {
                for (MultiDataSet b : batches.nextEpoch()) {
                    g.fit(b);
                    if (!Double.isFinite(g.score())) {
                        nonFinite++;
                    }
                }
            }
            baseline = new Baseline(evaluate(g), heldOutLoss(g), nonFinite, (System.nanoTime() - t0) / 1e9,
                    accumulatorSum(g));
            report("single machine", baseline.eval(), baseline.heldOutLoss(), baseline.seconds());
        }
        return baseline;
    }

    static void report(String what, TagPairs.Eval e, double heldOutLoss, double seconds) {
        System.out.printf(Locale.ROOT, "quality %-34s AUC %.4f  hits@10 %.4f  held-out loss %.4f  (%.1f s)%n", what,
                e.auc(), e.hitsAt10(), heldOutLoss, seconds);
    }
}

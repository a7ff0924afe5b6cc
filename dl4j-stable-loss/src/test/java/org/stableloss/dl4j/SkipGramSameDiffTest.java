package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.validation.GradCheckUtil;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.stableloss.dl4j.samediff.SkipGramSameDiff;

/**
 * {@link SkipGramSameDiff}: SameDiff's own gradient check (finite differences in DOUBLE) of both entry points with
 * masks, weights, every reduction and an upstream gradient; reductions and {@code skipGram} against the peer
 * {@link LossSkipGram}; save/load; build-time shape errors; and a small model that learns a planted structure.
 */
@ExtendWith(DoublePrecision.class)
class SkipGramSameDiffTest {

    private static final LossSkipGram WEIGHTED = LossSkipGram.builder().positiveWeight(1.5).negativeWeight(0.5)
            .weights(Nd4j.createFromArray(1.0, 0.5, 2.0)).build();
    private static final LossSkipGram CLAMPED = LossSkipGram.builder().clamped(0.1).build();

    private static final INDArray NEGATIVE_MASK = Nd4j.createFromArray(new double[][] {{1, 0}, {0.5, 1}});

    private static INDArray uniform(Random r, double lo, double hi, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, lo + (hi - lo) * r.nextDouble());
        }
        return a;
    }

    /** Logits [3, 3] with 0 exactly, labels hard and soft, a per-output mask with zeros and a non-binary entry. */
    private static Map<String, INDArray> lossInputs(Random r) {
        INDArray x = uniform(r, -4, 4, 3, 3);
        x.putScalar(0, 0.0);
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0, 0.3}, {0, 1, 0}, {0.8, 0, 1}});
        INDArray mask = Nd4j.createFromArray(new double[][] {{1, 1, 0}, {1, 0.5, 1}, {0, 1, 1}});
        return Map.of("x", x, "y", y, "mask", mask);
    }

    private static boolean gradCheck(SameDiff sd, Set<String> skip) {
        return GradCheckUtil.checkGradients(sd, Map.of(), 1e-6, 1e-5, 1e-9, false, false, false, false, skip, null);
    }

    @ParameterizedTest
    @EnumSource(LossReduce.class)
    void lossPassesGradientCheckWithMaskWeightsAndUpstreamGradient(LossReduce reduce) {
        for (LossSkipGram config : new LossSkipGram[] {new LossSkipGram(), WEIGHTED, CLAMPED}) {
            Map<String, INDArray> in = lossInputs(new Random(7));
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.var("x", in.get("x"));
            SDVariable y = sd.var("y", in.get("y"));
            SDVariable mask = sd.var("mask", in.get("mask"));
            SDVariable out = SkipGramSameDiff.loss(sd, "loss", x, y, mask, reduce, config);
            SDVariable upstream = sd.constant(uniform(new Random(3), 0.5, 2, reduce == LossReduce.NONE
                    ? new long[] {3, 3} : new long[0]));
            out.mul(upstream).sum().markAsLoss();
            Set<String> skip = reduce == LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT ? Set.of("mask") : Set.of();
            assertTrue(gradCheck(sd, skip), reduce + " " + config);
        }
    }

    @Test
    void rank3LossPassesGradientCheck() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", uniform(new Random(1), -3, 3, 2, 2, 3));
        SDVariable y = sd.constant("y", Nd4j.createFromArray(new double[] {1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1})
                .reshape(2, 2, 3));
        SDVariable mask = sd.var("mask", uniform(new Random(2), 0, 1, 2, 1, 3));
        SkipGramSameDiff.loss(sd, "loss", x, y, mask, LossReduce.MEAN_BY_WEIGHT, WEIGHTED).markAsLoss();
        assertTrue(gradCheck(sd, Set.of("y")));
    }

    /** anchor [2, 3], positive [2, 3], negatives [2, 2, 3], mask [2, 2] with a padded negative. */
    private static SameDiff skipGramGraph(LossReduce reduce, LossSkipGram config, double scale) {
        Random r = new Random(11);
        SameDiff sd = SameDiff.create();
        SDVariable anchor = sd.var("anchor", uniform(r, -1.5, 1.5, 2, 3));
        SDVariable positive = sd.var("positive", uniform(r, -1.5, 1.5, 2, 3));
        SDVariable negatives = sd.var("negatives", uniform(r, -1.5, 1.5, 2, 2, 3));
        SDVariable mask = sd.constant("negMask", NEGATIVE_MASK);
        SDVariable out = SkipGramSameDiff.skipGram(sd, "sg", anchor, positive, negatives, mask, reduce, config);
        SDVariable other = sd.sum(anchor.mul(anchor));
        out.mul(scale).sum().add(other).markAsLoss();
        return sd;
    }

    @ParameterizedTest
    @EnumSource(LossReduce.class)
    void skipGramPassesGradientCheckInsideALargerLoss(LossReduce reduce) {
        LossSkipGram perColumn = LossSkipGram.builder().negativeWeight(0.7)
                .weights(Nd4j.createFromArray(2.0, 1.0, 0.5)).build();
        for (LossSkipGram config : new LossSkipGram[] {new LossSkipGram(), perColumn}) {
            assertTrue(gradCheck(skipGramGraph(reduce, config, 0.3), Set.of("negMask")), reduce + " " + config);
        }
    }

    /** The [B, 1 + K] logits of the skip-gram graph's variables, as plain Java dot products. */
    private static INDArray javaLogits(SameDiff sd) {
        INDArray a = sd.getVariable("anchor").getArr();
        INDArray p = sd.getVariable("positive").getArr();
        INDArray n = sd.getVariable("negatives").getArr();
        INDArray logits = Nd4j.create(DataType.DOUBLE, a.size(0), 1 + n.size(1));
        for (int b = 0; b < a.size(0); b++) {
            double dot = 0;
            for (int i = 0; i < a.size(1); i++) {
                dot += a.getDouble(b, i) * p.getDouble(b, i);
            }
            logits.putScalar(b, 0, dot);
            for (int k = 0; k < n.size(1); k++) {
                double neg = 0;
                for (int i = 0; i < a.size(1); i++) {
                    neg += a.getDouble(b, i) * n.getDouble(b, k, i);
                }
                logits.putScalar(b, 1 + k, neg);
            }
        }
        return logits;
    }

    @Test
    void skipGramEqualsLossSkipGramOnTheDotProductsIncludingTheUpstreamGradient() {
        SameDiff sd = skipGramGraph(LossReduce.NONE, WEIGHTED, 0.3);
        INDArray logits = javaLogits(sd);
        INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {1, 0, 0}});
        INDArray mask = Nd4j.createFromArray(new double[][] {{1, 1, 0}, {1, 0.5, 1}});
        INDArray peerScores = WEIGHTED.computeScoreArray(labels, logits, new ActivationIdentity(), mask);
        INDArray perExample = sd.output(Map.of(), "sg").get("sg");
        assertArrayEquals(new long[] {2}, perExample.shape());
        for (int b = 0; b < 2; b++) {
            double expected = peerScores.getDouble(b, 0);
            assertEquals(expected, perExample.getDouble(b), 1e-14 * Math.abs(expected), "example " + b);
        }
        INDArray peerGrad = WEIGHTED.computeGradient(labels, logits, new ActivationIdentity(), mask);
        INDArray a = sd.getVariable("anchor").getArr();
        INDArray p = sd.getVariable("positive").getArr();
        INDArray n = sd.getVariable("negatives").getArr();
        Map<String, INDArray> g = sd.calculateGradients(Map.of(), "anchor", "positive", "negatives");
        for (int b = 0; b < 2; b++) {
            for (int i = 0; i < 3; i++) {
                double dAnchor = 0.3 * peerGrad.getDouble(b, 0) * p.getDouble(b, i) + 2 * a.getDouble(b, i);
                for (int k = 0; k < 2; k++) {
                    dAnchor += 0.3 * peerGrad.getDouble(b, 1 + k) * n.getDouble(b, k, i);
                    double dNeg = 0.3 * peerGrad.getDouble(b, 1 + k) * a.getDouble(b, i);
                    assertEquals(dNeg, g.get("negatives").getDouble(b, k, i), 1e-14, "negatives " + b + "," + k);
                }
                assertEquals(dAnchor, g.get("anchor").getDouble(b, i), 1e-13, "anchor " + b + "," + i);
                assertEquals(0.3 * peerGrad.getDouble(b, 0) * a.getDouble(b, i), g.get("positive").getDouble(b, i),
                        1e-14, "positive " + b + "," + i);
            }
        }
    }

    @Test
    void reductionsMatchLossSkipGramWithMaskAndWeights() {
        Map<String, INDArray> in = lossInputs(new Random(5));
        INDArray x = in.get("x");
        INDArray y = in.get("y");
        INDArray mask = in.get("mask");
        double peerSum = WEIGHTED.computeScore(y, x, new ActivationIdentity(), mask, false);
        double weightSum = 0;
        int nonZero = 0;
        double[] w = {1.0, 0.5, 2.0};
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                double weight = mask.getDouble(r, c) * w[c];
                weightSum += weight;
                nonZero += weight != 0 ? 1 : 0;
            }
        }
        Map<LossReduce, Double> expected = Map.of(LossReduce.SUM, peerSum, LossReduce.MEAN_BY_WEIGHT,
                peerSum / weightSum, LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, peerSum / nonZero);
        for (Map.Entry<LossReduce, Double> e : expected.entrySet()) {
            assertEquals(e.getValue(), scalarLoss(x, y, mask, e.getKey(), WEIGHTED), 1e-14 * e.getValue(),
                    e.getKey().toString());
        }
        INDArray perExampleMask = Nd4j.createFromArray(new double[][] {{1}, {0}, {2}});
        double peerPerExample = WEIGHTED.computeScore(y, x, new ActivationIdentity(), perExampleMask, false);
        assertEquals(peerPerExample, scalarLoss(x, y, perExampleMask, LossReduce.SUM, WEIGHTED),
                1e-14 * peerPerExample, "a [3, 1] mask broadcasts per example");
        assertEquals(0.0, scalarLoss(x, y, Nd4j.zeros(DataType.DOUBLE, 3, 3), LossReduce.MEAN_BY_WEIGHT, WEIGHTED),
                "all weights 0: mean 0");
        assertEquals(0.0, scalarLoss(x, y, Nd4j.zeros(DataType.DOUBLE, 3, 3),
                LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, WEIGHTED), "all weights 0: mean 0");
        double plain = new LossSkipGram().computeScore(y, x, new ActivationIdentity(), null, false);
        assertEquals(plain / 9, scalarLoss(x, y, null, LossReduce.MEAN_BY_WEIGHT, new LossSkipGram()),
                1e-14 * plain, "no mask, no weights: the plain mean");
    }

    private static double scalarLoss(INDArray x, INDArray y, INDArray mask, LossReduce reduce, LossSkipGram cfg) {
        SameDiff sd = SameDiff.create();
        SDVariable m = mask == null ? null : sd.constant("mask", mask);
        SkipGramSameDiff.loss(sd, "loss", sd.constant("x", x), sd.constant("y", y), m, reduce, cfg);
        INDArray out = sd.output(Map.of(), "loss").get("loss");
        assertEquals(0, out.rank(), "a scalar");
        return out.getDouble(0);
    }

    @Test
    void rank3LossIsTheRank2LossOfTheReshapedArrays() {
        INDArray x = uniform(new Random(9), -20, 20, 2, 4, 3);
        INDArray y = Nd4j.createFromArray(new double[] {1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1,
            0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0}).reshape(2, 4, 3);
        SameDiff sd = SameDiff.create();
        SkipGramSameDiff.loss(sd, "loss", sd.constant("x", x), sd.constant("y", y), null, LossReduce.NONE, WEIGHTED);
        INDArray perElement = sd.output(Map.of(), "loss").get("loss");
        assertArrayEquals(new long[] {2, 4, 3}, perElement.shape());
        INDArray x2 = x.reshape(8, 3);
        INDArray y2 = y.reshape(8, 3);
        for (int c = 0; c < 3; c++) {
            INDArray only = Nd4j.zeros(DataType.DOUBLE, 8, 3);
            only.getColumn(c).assign(1);
            INDArray peer = WEIGHTED.computeScoreArray(y2, x2, new ActivationIdentity(), only);
            for (int r = 0; r < 8; r++) {
                double expected = peer.getDouble(r, 0);
                assertEquals(expected, perElement.getDouble(r / 4, r % 4, c), 4 * Math.ulp(expected));
            }
        }
    }

    /**
     * A skip-gram model on embedding lookups: anchor rows of {@code W [V, D]}, context rows of {@code C [T, D]},
     * looked up as {@code oneHot(idx).mmul(table)} (sd.gather's backprop is broken in M2.1).
     */
    private static SameDiff lookupModel(int samples, int tags, int dim, int negatives, Random r) {
        SameDiff sd = SameDiff.create();
        SDVariable w = sd.var("W", uniform(r, -0.5 / dim, 0.5 / dim, samples, dim).castTo(DataType.FLOAT));
        SDVariable c = sd.var("C", Nd4j.zeros(DataType.FLOAT, tags, dim));
        SDVariable anchorIdx = sd.placeHolder("anchorIdx", DataType.INT, -1);
        SDVariable positiveIdx = sd.placeHolder("positiveIdx", DataType.INT, -1);
        SDVariable negativeIdx = sd.placeHolder("negativeIdx", DataType.INT, -1, negatives);
        SDVariable anchor = sd.oneHot(anchorIdx, samples, -1, 1.0, 0.0, DataType.FLOAT).mmul(w);
        SDVariable positive = sd.oneHot(positiveIdx, tags, -1, 1.0, 0.0, DataType.FLOAT).mmul(c);
        SDVariable flatNegatives = sd.oneHot(sd.reshape(negativeIdx, -1), tags, -1, 1.0, 0.0, DataType.FLOAT)
                .mmul(c);
        SDVariable negs = sd.reshape(flatNegatives, -1, negatives, dim);
        SkipGramSameDiff.skipGram(sd, "loss", anchor, positive, negs, null, LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT,
                new LossSkipGram()).markAsLoss();
        return sd;
    }

    @Test
    void saveAndLoadGiveTheSameOutputsAndGradients(@TempDir Path dir) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Random r = new Random(4);
        SameDiff sd = lookupModel(6, 5, 4, 3, r);
        sd.getVariable("C").getArr().assign(uniform(r, -1, 1, 5, 4));
        Map<String, INDArray> feed = Map.of("anchorIdx", Nd4j.createFromArray(0, 3, 5, 3),
                "positiveIdx", Nd4j.createFromArray(1, 1, 4, 0),
                "negativeIdx", Nd4j.createFromArray(new int[][] {{2, 3, 3}, {0, 4, 2}, {1, 1, 1}, {4, 3, 2}}));
        File file = dir.resolve("skipgram.sd").toFile();
        sd.save(file, true);
        SameDiff loaded = SameDiff.load(file, true);
        INDArray before = sd.output(feed, "loss").get("loss");
        INDArray after = loaded.output(feed, "loss").get("loss");
        assertEquals(before, after);
        assertTrue(before.getDouble(0) > 0);
        Map<String, INDArray> g1 = sd.calculateGradients(feed, "W", "C");
        Map<String, INDArray> g2 = loaded.calculateGradients(feed, "W", "C");
        assertEquals(g1.get("W"), g2.get("W"));
        assertEquals(g1.get("C"), g2.get("C"));
        assertTrue(g1.get("C").norm2Number().doubleValue() > 0);
    }

    /**
     * Planted structure: sample s belongs to group s % 4, whose tags are 3g, 3g+1, 3g+2. One positive pair per
     * sample is held out; after training on the rest (context table zero-initialised: every logit starts at 0)
     * the held-out pairs outrank pairs of a sample with another group's tag.
     */
    @Test
    void learnsAPlantedSampleTagStructureWithSdFit() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        PlantedTags planted = new PlantedTags();
        int samples = PlantedTags.SAMPLES;
        int tags = PlantedTags.TAGS;
        int k = 4;
        Random r = new Random(42);
        SameDiff sd = lookupModel(samples, tags, 8, k, r);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(0.1))
                .dataSetFeatureMapping("anchorIdx", "positiveIdx", "negativeIdx").markLabelsUnused().build());
        java.util.List<int[]> train = planted.train;
        for (int epoch = 0; epoch < 30; epoch++) {
            int n = train.size();
            int[] a = new int[n];
            int[] p = new int[n];
            int[][] neg = new int[n][k];
            for (int i = 0; i < n; i++) {
                a[i] = train.get(i)[0];
                p[i] = train.get(i)[1];
                for (int j = 0; j < k; j++) {
                    neg[i][j] = r.nextInt(tags);
                }
            }
            sd.fit(new MultiDataSet(new INDArray[] {Nd4j.createFromArray(a), Nd4j.createFromArray(p),
                Nd4j.createFromArray(neg)}, new INDArray[0]));
        }
        INDArray scores = sd.getVariable("W").getArr().mmul(sd.getVariable("C").getArr().transpose());
        double auc = planted.heldOutAuc(scores);
        assertTrue(auc > 0.95, "held-out pairs outrank other groups' tags in " + auc + " of the comparisons");
    }

    @Test
    void shapeAndDtypeErrorsAtBuildTimeNameTheVariables() {
        SameDiff sd = SameDiff.create();
        SDVariable anchor = sd.placeHolder("anchor", DataType.FLOAT, -1, 4);
        SDVariable positive5 = sd.placeHolder("pos5", DataType.FLOAT, -1, 5);
        SDVariable negatives = sd.placeHolder("negs", DataType.FLOAT, -1, 3, 4);
        SDVariable flatNegatives = sd.placeHolder("flatNegs", DataType.FLOAT, -1, 4);
        SDVariable mask2 = sd.placeHolder("mask2", DataType.FLOAT, -1, 2);
        SDVariable doubles = sd.placeHolder("doubles", DataType.DOUBLE, -1, 4);
        LossSkipGram exact = new LossSkipGram();
        LossReduce sum = LossReduce.SUM;
        assertMessage(() -> SkipGramSameDiff.skipGram(sd, "a", anchor, positive5, negatives, null, sum, exact),
                "D differs", "'pos5' [-1, 5]", "'anchor' [-1, 4]");
        assertMessage(() -> SkipGramSameDiff.skipGram(sd, "b", anchor, anchor, flatNegatives, null, sum, exact),
                "negatives 'flatNegs' must be [B, K, D], got [-1, 4]");
        assertMessage(() -> SkipGramSameDiff.skipGram(sd, "c", anchor, anchor, negatives, mask2, sum, exact),
                "K differs", "'mask2' [-1, 2]", "'negs' [-1, 3, 4]");
        assertMessage(() -> SkipGramSameDiff.skipGram(sd, "d", anchor, doubles, negatives, null, sum, exact),
                "share one dtype", "'doubles' DOUBLE");
        assertMessage(() -> SkipGramSameDiff.skipGram(sd, "e", anchor, anchor, negatives, null, sum, WEIGHTED),
                "3 per-output weights", "1 + K = 4");

        SDVariable logits = sd.placeHolder("logits", DataType.FLOAT, -1, 3);
        SDVariable labels4 = sd.placeHolder("labels4", DataType.FLOAT, -1, 4);
        SDVariable intLogits = sd.placeHolder("ints", DataType.INT, -1, 3);
        SDVariable rank3Mask = sd.placeHolder("mask3", DataType.FLOAT, -1, 3, 1);
        SDVariable halfLogits = sd.placeHolder("halves", DataType.HALF, -1, 3);
        assertMessage(() -> SkipGramSameDiff.loss(sd, "f", logits, labels4, null, sum, exact),
                "same shape", "'labels4' [-1, 4]", "'logits' [-1, 3]");
        assertMessage(() -> SkipGramSameDiff.loss(sd, "g", intLogits, logits, null, sum, exact),
                "logits 'ints' must be FLOAT, DOUBLE, HALF or BFLOAT16, got INT");
        assertMessage(() -> SkipGramSameDiff.loss(sd, "h", logits, logits, rank3Mask, sum, exact),
                "mask 'mask3' [-1, 3, 1]", "rank of logits 'logits'");
        assertMessage(() -> SkipGramSameDiff.loss(sd, "i", flatNegatives, flatNegatives, null, sum, WEIGHTED),
                "3 per-output weights", "'flatNegs' [-1, 4]");
        assertMessage(() -> SkipGramSameDiff.loss(sd, "j", halfLogits, halfLogits, null, sum,
                LossSkipGram.builder().clamped(1e-9).build()),
                "eps=1.0E-9 vanishes in FLOAT, the working dtype of HALF logits 'halves'");
        SkipGramSameDiff.loss(sd, "j2", halfLogits, halfLogits, null, sum,
                LossSkipGram.builder().clamped(1e-4).build()); // the graph computes HALF in FLOAT
        assertMessage(() -> SkipGramSameDiff.loss(sd, "k", logits, null, null, sum, exact),
                "labels must not be null");
    }

    private static void assertMessage(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }
}

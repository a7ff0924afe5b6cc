package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.stableloss.dl4j.graph.DotProductVertex;
import org.stableloss.dl4j.samediff.SkipGramSameDiff;

/**
 * The Java snippets of the pages under {@code docs/}, verbatim, run: each test method holds one snippet (named by
 * the {@code <!-- snippet: DocsSnippetsTest#method -->} marker above it in the page) with the declarations it needs
 * before it and checks after it. {@link DocsSnippetsSyncTest} fails when a snippet and its test drift apart.
 */
class DocsSnippetsTest {

    /** docs/samediff.md, "Two entry points": both calls build, and their values agree with {@link LossSkipGram}. */
    @Test
    void sameDiffEntryPoints() {
        int b = 5, d = 4, kNeg = 3, n = 7;
        SameDiff sd = SameDiff.create();
        INDArray x = Nd4j.randn(DataType.DOUBLE, b, n).muli(4);
        INDArray y = Nd4j.rand(DataType.DOUBLE, b, n).gt(0.5).castTo(DataType.DOUBLE);
        SDVariable logits = sd.constant("logits", x);
        SDVariable labels = sd.constant("labels", y);
        SDVariable mask = sd.constant("mask", Nd4j.ones(DataType.DOUBLE, b, n));
        SDVariable anchor = sd.var("anchor", Nd4j.randn(DataType.DOUBLE, b, d));
        SDVariable positive = sd.var("positive", Nd4j.randn(DataType.DOUBLE, b, d));
        SDVariable negatives = sd.var("negatives", Nd4j.randn(DataType.DOUBLE, b, kNeg, d));
        INDArray maskValues = Nd4j.ones(DataType.DOUBLE, b, kNeg);
        maskValues.putScalar(0, kNeg - 1, 0.0);    // one padded negative
        SDVariable negativeMask = sd.constant("negativeMask", maskValues);

        // Logits of any rank, labels in [0, 1] of the same shape, an optional mask (same rank, dims equal or 1).
        SDVariable loss = SkipGramSameDiff.loss(sd, "loss", logits, labels, mask /* or null */,
                LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, new LossSkipGram());

        // Dot products and loss in one call: anchor [B, D], positive [B, D], negatives [B, K, D], mask [B, K] or null.
        SDVariable sg = SkipGramSameDiff.skipGram(sd, "sg", anchor, positive, negatives, negativeMask,
                LossReduce.NONE, LossSkipGram.builder().negativeWeight(0.5).build());   // [B]: per example

        Map<String, INDArray> out = sd.output((Map<String, INDArray>) null, "loss", "sg");
        double expected = new LossSkipGram().computeScore(y, x, new ActivationIdentity(), null, false) / (b * n);
        assertEquals(expected, out.get("loss").getDouble(0), 1e-12 * Math.max(1, Math.abs(expected)));
        assertArrayEquals(new long[] {b}, out.get("sg").shape());
        for (double v : out.get("sg").toDoubleVector()) {
            assertTrue(Double.isFinite(v) && v > 0, "per-example losses must be finite and positive: " + out.get("sg"));
        }
    }

    /** docs/samediff.md, "Looking up embeddings": the one-hot skip-gram model trains with {@code sd.fit}. */
    @Test
    void sameDiffOneHotModelTrains() {
        // The data the snippet's comment asks for: sample s has tag s % 12; 4 negatives per pair, other tags.
        Nd4j.getRandom().setSeed(7);
        Random random = new Random(7);
        int[] a = new int[48];
        int[] p = new int[48];
        int[][] neg = new int[48][4];
        for (int i = 0; i < a.length; i++) {
            a[i] = i % 24;
            p[i] = a[i] % 12;
            for (int j = 0; j < 4; j++) {
                neg[i][j] = (p[i] + 1 + random.nextInt(11)) % 12;
            }
        }

        SameDiff sd = SameDiff.create();
        int samples = 24, tags = 12, dim = 8, k = 4;
        SDVariable w = sd.var("W", Nd4j.rand(DataType.FLOAT, samples, dim).subi(0.5).divi(dim));
        SDVariable c = sd.var("C", Nd4j.zeros(DataType.FLOAT, tags, dim));    // zero init: logits start at 0
        SDVariable anchorIdx = sd.placeHolder("anchorIdx", DataType.INT, -1);
        SDVariable positiveIdx = sd.placeHolder("positiveIdx", DataType.INT, -1);
        SDVariable negativeIdx = sd.placeHolder("negativeIdx", DataType.INT, -1, k);
        SDVariable anchor = sd.oneHot(anchorIdx, samples, -1, 1.0, 0.0, DataType.FLOAT).mmul(w);        // [B, D]
        SDVariable positive = sd.oneHot(positiveIdx, tags, -1, 1.0, 0.0, DataType.FLOAT).mmul(c);       // [B, D]
        SDVariable negatives = sd.reshape(
                sd.oneHot(sd.reshape(negativeIdx, -1), tags, -1, 1.0, 0.0, DataType.FLOAT).mmul(c),
                -1, k, dim);                                                                            // [B, K, D]
        SkipGramSameDiff.skipGram(sd, "loss", anchor, positive, negatives, null,
                LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, new LossSkipGram()).markAsLoss();

        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(0.1))
                .dataSetFeatureMapping("anchorIdx", "positiveIdx", "negativeIdx").markLabelsUnused().build());
        // int[] a, p (length B) and int[][] neg ([B][k]) from your data and negative sampler:
        sd.fit(new MultiDataSet(new INDArray[] {Nd4j.createFromArray(a), Nd4j.createFromArray(p),
                Nd4j.createFromArray(neg)}, new INDArray[0]));
        INDArray scores = sd.getVariable("W").getArr().mmul(sd.getVariable("C").getArr().transpose());

        assertArrayEquals(new long[] {samples, tags}, scores.shape());
        for (int i = 0; i < 60; i++) {
            sd.fit(new MultiDataSet(new INDArray[] {Nd4j.createFromArray(a), Nd4j.createFromArray(p),
                    Nd4j.createFromArray(neg)}, new INDArray[0]));
        }
        INDArray trained = sd.getVariable("W").getArr().mmul(sd.getVariable("C").getArr().transpose());
        int wins = 0;
        for (int s = 0; s < samples; s++) {
            double own = trained.getDouble(s, s % tags);
            double other = trained.getDouble(s, (s % tags + 1) % tags);
            wins += own > other ? 1 : 0;
        }
        assertTrue(wins >= samples * 0.9, "the own tag must outscore a sampled negative: " + wins + " of " + samples);
    }

    /** docs/graph.md, "The skip-gram graph": the graph with K negatives and a label mask trains. */
    @Test
    void skipGramGraphTrains() {
        // The arrays the snippet's comment describes: 32 rows of 1 positive + 5 negatives, the last negative of odd
        // rows padded.
        int mb = 32;
        Random random = new Random(11);
        INDArray anchorIdx = Nd4j.create(DataType.FLOAT, mb, 1);
        INDArray contextIdx = Nd4j.create(DataType.FLOAT, mb, 6);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, mb, 6);
        INDArray labelMask = Nd4j.ones(DataType.FLOAT, mb, 6);
        for (int r = 0; r < mb; r++) {
            anchorIdx.putScalar(r, 0, r);
            contextIdx.putScalar(r, 0, 1000 + r % 8);
            labels.putScalar(r, 0, 1.0);
            for (int j = 1; j < 6; j++) {
                contextIdx.putScalar(r, j, 2000 + random.nextInt(100));
            }
            if (r % 2 == 1) {
                labelMask.putScalar(r, 5, 0.0);
            }
        }

        int vocab = 10_000, dim = 100, k = 6;    // 1 positive + 5 negatives per row
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .updater(new Adam(0.01)).weightInit(WeightInit.NORMAL).graphBuilder()
                .addInputs("anchorIdx", "contextIdx")                             // [mb, 1] and [mb, k] indices
                .addLayer("anchor", new EmbeddingLayer.Builder().nIn(vocab).nOut(dim)
                        .activation(Activation.IDENTITY).build(), "anchorIdx")    // the global default is SIGMOID
                .addLayer("contexts", new EmbeddingSequenceLayer.Builder().nIn(vocab).nOut(dim).inputLength(k)
                        .activation(Activation.IDENTITY).build(), "contextIdx")   // [mb, dim, k]
                .addVertex("dot", new DotProductVertex(), "anchor", "contexts")   // [mb, k]
                .addLayer("loss", new LossLayer.Builder(new LossSkipGram())
                        .activation(Activation.IDENTITY).build(), "dot")
                .setOutputs("loss").build();                                      // no setInputTypes: see below
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        // labels [mb, k]: 1 in column 0, 0 elsewhere; label mask [mb, k]: 0 for padded negatives
        net.fit(new MultiDataSet(new INDArray[] {anchorIdx, contextIdx}, new INDArray[] {labels},
                null, new INDArray[] {labelMask}));

        MultiDataSet data = new MultiDataSet(new INDArray[] {anchorIdx, contextIdx}, new INDArray[] {labels},
                null, new INDArray[] {labelMask});
        double before = net.score(data);
        for (int i = 0; i < 30; i++) {
            net.fit(data);
        }
        double after = net.score(data);
        assertTrue(Double.isFinite(after) && after < before, "score " + after + " not below " + before);
        INDArray logits = net.outputSingle(anchorIdx, contextIdx);
        assertArrayEquals(new long[] {mb, k}, logits.shape());
        double positive = logits.get(NDArrayIndex.all(), NDArrayIndex.point(0)).meanNumber().doubleValue();
        double negative = logits.get(NDArrayIndex.all(), NDArrayIndex.interval(1, k)).meanNumber().doubleValue();
        assertTrue(positive > negative, "positives " + positive + " must outscore negatives " + negative);
    }
}

package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stableloss.dl4j.LossSkipGram;

/** The pair trainer's update against {@link LossSkipGram}, its reproducibility and its learning. */
class PairTrainerTest {

    private static final int DIM = 4;
    private static final double LR = 0.01;

    /** One anchor, two contexts (0 positive, 1 the only possible negative), random rows. */
    private static EmbeddingTables start(float[] anchor, float[] c0, float[] c1) {
        float[] contexts = new float[2 * DIM];
        System.arraycopy(c0, 0, contexts, 0, DIM);
        System.arraycopy(c1, 0, contexts, DIM, DIM);
        return EmbeddingTables.of(anchor, 1, contexts, 2, DIM);
    }

    /** Trains one pair (0, 0), weight {@code w}, with exactly one negative (context 1), one SGD step at rate LR. */
    private static EmbeddingTables onePair(LossSkipGram loss, float w, EmbeddingTables initial) {
        PairTrainer trainer = PairTrainer.builder().dim(DIM).negatives(1).threads(1).epochs(1).learningRate(LR)
                .updater(PairTrainer.Updater.SGD).loss(loss).samplingWeights(new double[] {0, 1}).build();
        PairData pair = PairData.of(new int[] {0}, new int[] {0}, new float[] {w}, 1, 2);
        return trainer.train(pair, null, initial).tables();
    }

    @Test
    void onePairsUpdateIsLossSkipGramsGradient() {
        float[] a = {0.3f, -1.2f, 0.7f, 2.0f};
        float[] c0 = {-0.5f, 0.25f, 1.5f, -0.75f};
        float[] c1 = {0.9f, 0.1f, -0.4f, 0.6f};
        EmbeddingTables initial = start(a, c0, c1);
        List<LossSkipGram> losses = List.of(new LossSkipGram(), LossSkipGram.builder().clamped(0.05).build(),
                LossSkipGram.builder().positiveWeight(2.0).negativeWeight(0.5).build());
        for (LossSkipGram loss : losses) {
            for (float w : new float[] {1f, 1.5f}) {
                EmbeddingTables after = onePair(loss, w, initial);
                // the reference: the INDArray loss on the pair's two logits, in double
                INDArray logits = Nd4j.createFromArray(new double[][] {{dot(a, c0), dot(a, c1)}});
                INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0}});
                INDArray g = loss.computeGradient(labels, logits, new ActivationIdentity(), null).mul(w);
                double g0 = g.getDouble(0, 0);
                double g1 = g.getDouble(0, 1);
                String what = loss + " weight " + w;
                for (int i = 0; i < DIM; i++) {
                    assertClose(c0[i] - LR * g0 * a[i], after.contextRow(0)[i], what + " context 0");
                    assertClose(c1[i] - LR * g1 * a[i], after.contextRow(1)[i], what + " context 1");
                    assertClose(a[i] - LR * (g0 * c0[i] + g1 * c1[i]), after.anchorRow(0)[i], what + " anchor");
                }
            }
        }
    }

    @Test
    void confidentlyWrongPairGetsTheFullGradient() {
        float[] a = {5f, 5f, 5f, 5f};
        float[] c0 = {-5f, -5f, -5f, -5f};
        float[] c1 = {0f, 0f, 0f, 0f};
        EmbeddingTables initial = start(a, c0, c1);
        assertEquals(-100.0, initial.score(0, 0));
        EmbeddingTables exact = onePair(new LossSkipGram(), 1f, initial);
        for (int i = 0; i < DIM; i++) {
            // gradient -1: the context row moves by the full LR * anchor
            assertEquals((float) (c0[i] + LR * a[i]), exact.contextRow(0)[i], 0f);
        }
        // the clamped loss, like LossBinaryXENT, leaves the confidently wrong pair where it is
        EmbeddingTables clamped = onePair(LossSkipGram.builder().clamped(1e-4).build(), 1f, initial);
        assertArrayEquals(c0, clamped.contextRow(0));
    }

    @Test
    void oneThreadIsBitReproducibleFromTheSeed() {
        PlantedPairs data = new PlantedPairs(600, 0.1, 3);
        PairTrainer.Builder b = PairTrainer.builder().threads(1).epochs(3).dim(8);
        EmbeddingTables first = b.seed(11).build().train(data.train).tables();
        EmbeddingTables second = b.seed(11).build().train(data.train).tables();
        EmbeddingTables other = b.seed(12).build().train(data.train).tables();
        assertArrayEquals(first.anchors(), second.anchors());
        assertArrayEquals(first.contexts(), second.contexts());
        assertFalse(Arrays.equals(first.anchors(), other.anchors()));
    }

    @Test
    void earlyStoppingReturnsTheBestEpochsTables() {
        PlantedPairs data = new PlantedPairs(1_500, 0.1, 9);
        PairTrainer.Builder b = PairTrainer.builder().threads(1).updater(PairTrainer.Updater.ADAGRAD).dim(8)
                .learningRate(0.3).epochs(30);
        PairTrainer.Result stopped = b.build().train(data.train, data.heldOut);
        double[] heldOut = stopped.heldOutLoss();
        assertEquals(stopped.epochsTrained(), heldOut.length);
        assertTrue(stopped.epochsTrained() < 30, "never stopped: " + Arrays.toString(heldOut));
        int argmin = 0;
        for (int e = 1; e < heldOut.length; e++) {
            argmin = heldOut[e] < heldOut[argmin] ? e : argmin;
        }
        assertEquals(argmin + 1, stopped.bestEpoch());
        assertEquals(stopped.epochsTrained(), stopped.bestEpoch() + 2);
        // AdaGrad has no decay over the run: the best epoch's tables are those of a run of that many epochs
        EmbeddingTables fixed = b.epochs(stopped.bestEpoch()).build().train(data.train).tables();
        assertArrayEquals(fixed.anchors(), stopped.tables().anchors());
        assertArrayEquals(fixed.contexts(), stopped.tables().contexts());
    }

    @Test
    void pairWeightZeroLeavesTheTablesAlone() {
        float[] a = {0.3f, -1.2f, 0.7f, 2.0f};
        float[] c0 = {-0.5f, 0.25f, 1.5f, -0.75f};
        float[] c1 = {0.9f, 0.1f, -0.4f, 0.6f};
        EmbeddingTables initial = start(a, c0, c1);
        EmbeddingTables after = onePair(new LossSkipGram(), 0f, initial);
        assertArrayEquals(initial.anchors(), after.anchors());
        assertArrayEquals(initial.contexts(), after.contexts());
    }

    private static double dot(float[] x, float[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }

    /** Within float rounding of the update (the trainer works in float). */
    private static void assertClose(double expected, float actual, String what) {
        assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)), what);
    }

    static {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }
}

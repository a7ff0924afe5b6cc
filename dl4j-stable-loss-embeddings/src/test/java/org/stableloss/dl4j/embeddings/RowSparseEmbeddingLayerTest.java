package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The row-sparse layers in the skip-gram graph against DL4J's own EmbeddingLayer / EmbeddingSequenceLayer: forward
 * output, and one training step's change of every row and of the optimizer state, computed by hand from the dense
 * layers' gradient.
 */
class RowSparseEmbeddingLayerTest {

    static final int SAMPLES = 50;
    static final int TAGS = 12;
    static final int DIM = 8;
    static final int NEG = 5;
    static final int MB = 16;

    @Test
    void forwardEqualsDenseLayersOnTheSameTables() {
        ComputationGraph dense = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, null, new NoOp(), DataType.FLOAT, true, 1);
        ComputationGraph rows = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.1, false), new NoOp(), DataType.FLOAT, true, 2);
        SkipGramNets.copyTables(dense, rows);
        MultiDataSet batch = SkipGramNets.batch(new Random(3), MB, SAMPLES, TAGS, NEG, DataType.FLOAT);
        var denseActs = dense.feedForward(batch.getFeatures(), false);
        var rowActs = rows.feedForward(batch.getFeatures(), false);
        for (String v : new String[] {"sampleEmb", "tagEmb", "dot"}) {
            assertArrayEquals(denseActs.get(v).shape(), rowActs.get(v).shape(), v);
            assertEquals(denseActs.get(v), rowActs.get(v), v);
        }
    }

    @Test
    void sameSeedGivesTheSameInitialTablesAsTheDenseLayers() {
        ComputationGraph dense = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, null, new NoOp(), DataType.FLOAT, true, 9);
        ComputationGraph rows = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.1, false), new NoOp(), DataType.FLOAT, true, 9);
        assertEquals(dense.getLayer("sampleEmb").getParam("W"), rows.getLayer("sampleEmb").getParam("W"));
        assertEquals(dense.getLayer("tagEmb").getParam("W"), rows.getLayer("tagEmb").getParam("W"));
        assertEquals(0.0, rows.getLayer("sampleEmb").getParam("adagrad").sumNumber().doubleValue());
    }

    @Test
    void adaGradStepChangesExactlyTheTouchedRowsAsComputedByHand() {
        stepMatchesHandComputation(RowOptimizer.ADAGRAD, 0.3, true);
    }

    @Test
    void sgdStepChangesExactlyTheTouchedRowsAsComputedByHand() {
        stepMatchesHandComputation(RowOptimizer.SGD, 0.7, true);
    }

    @Test
    void withoutMiniBatchDivisionTheStepUsesTheSummedGradient() {
        stepMatchesHandComputation(RowOptimizer.SGD, 0.05, false);
    }

    /**
     * The dense graph's gradient (DL4J's EmbeddingLayer scatter-adds duplicates), divided by the minibatch size as
     * DL4J's updater would, then the optimizer applied by hand in double, against one {@code fit} of the row-sparse
     * graph from the same tables and a non-zero AdaGrad state. Untouched rows and their state must keep their bits.
     */
    private static void stepMatchesHandComputation(RowOptimizer optimizer, double lr, boolean miniBatch) {
        ComputationGraph dense = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG, null, new NoOp(), DataType.FLOAT,
                miniBatch, 1);
        ComputationGraph rows = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                new SkipGramNets.Rows(optimizer, lr, false), new NoOp(), DataType.FLOAT, miniBatch, 2);
        SkipGramNets.copyTables(dense, rows);
        Random random = new Random(5);
        if (optimizer == RowOptimizer.ADAGRAD) {
            for (String layer : new String[] {"sampleEmb", "tagEmb"}) {
                INDArray state = rows.getLayer(layer).getParam("adagrad");
                for (int r = 0; r < state.size(0); r++) {
                    state.putScalar(r, 0, random.nextDouble() * 0.01);
                }
            }
        }
        MultiDataSet batch = SkipGramNets.batch(random, MB, SAMPLES, TAGS, NEG, DataType.FLOAT);
        dense.setInputs(batch.getFeatures());
        dense.setLabels(batch.getLabels());
        dense.computeGradientAndScore();

        String[] layers = {"sampleEmb", "tagEmb"};
        INDArray[] before = new INDArray[2];
        INDArray[] stateBefore = new INDArray[2];
        INDArray[] gradients = new INDArray[2];
        for (int i = 0; i < 2; i++) {
            before[i] = rows.getLayer(layers[i]).getParam("W").dup();
            stateBefore[i] = optimizer == RowOptimizer.ADAGRAD ? rows.getLayer(layers[i]).getParam("adagrad").dup()
                    : null;
            gradients[i] = dense.gradient().getGradientFor(layers[i] + "_W").castTo(DataType.DOUBLE)
                    .divi(miniBatch ? MB : 1);
        }
        rows.fit(batch);

        int duplicates = 0;
        for (int i = 0; i < 2; i++) {
            INDArray indices = batch.getFeatures(i);
            Set<Integer> touched = new HashSet<>();
            for (double v : indices.reshape(indices.length()).toDoubleVector()) {
                if (!touched.add((int) v)) {
                    duplicates++;
                }
            }
            INDArray after = rows.getLayer(layers[i]).getParam("W");
            INDArray stateAfter = optimizer == RowOptimizer.ADAGRAD ? rows.getLayer(layers[i]).getParam("adagrad")
                    : null;
            for (int r = 0; r < after.size(0); r++) {
                if (!touched.contains(r)) {
                    assertEquals(before[i].getRow(r), after.getRow(r), layers[i] + " untouched row " + r);
                    if (stateAfter != null) {
                        assertEquals(stateBefore[i].getFloat(r, 0), stateAfter.getFloat(r, 0), layers[i] + " " + r);
                    }
                    continue;
                }
                double[] g = gradients[i].getRow(r).toDoubleVector();
                double scale = lr;
                if (stateAfter != null) {
                    double squares = 0;
                    for (double gj : g) {
                        squares += gj * gj;
                    }
                    double expectedState = stateBefore[i].getDouble(r, 0) + squares / DIM;
                    assertEquals(expectedState, stateAfter.getDouble(r, 0), 1e-6 * expectedState,
                            layers[i] + " state of row " + r);
                    scale = lr / (Math.sqrt(expectedState) + BaseRowSparseLayer.DEFAULT_EPSILON);
                }
                for (int j = 0; j < DIM; j++) {
                    double expected = before[i].getDouble(r, j) - scale * g[j];
                    assertEquals(expected, after.getDouble(r, j), 2e-6 * Math.max(1, Math.abs(expected)),
                            layers[i] + " row " + r + " column " + j);
                }
                assertTrue(!before[i].getRow(r).equals(after.getRow(r)), layers[i] + " touched row " + r
                        + " did not change");
            }
        }
        assertTrue(duplicates > 0, "the minibatch should repeat some rows");
    }

    @Test
    void computeGradientAndScoreChangesNothingAndReturnsWhatTheStepApplies() {
        ComputationGraph rows = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.2, true), new Sgd(0.1), DataType.FLOAT, true, 4);
        Random random = new Random(6);
        MultiDataSet previous = SkipGramNets.batch(random, MB, SAMPLES, TAGS, NEG, DataType.FLOAT);
        rows.fit(previous);     // writes its rows' updates into the gradient view
        MultiDataSet batch = SkipGramNets.batch(random, MB, SAMPLES, TAGS, NEG, DataType.FLOAT);
        INDArray params = rows.params().dup();
        rows.setInputs(batch.getFeatures());
        rows.setLabels(batch.getLabels());
        rows.computeGradientAndScore();
        INDArray first = rows.gradient().gradient().dup();
        rows.computeGradientAndScore();
        assertEquals(params, rows.params(), "computeGradientAndScore must not change parameters or state");
        assertEquals(first, rows.gradient().gradient(), "a repeated call must return the same gradient");
        // rows of the previous step that this batch does not touch hold no update any more
        String[] layers = {"sampleEmb", "tagEmb"};
        int cleared = 0;
        for (int i = 0; i < 2; i++) {
            Set<Integer> now = indices(batch.getFeatures(i));
            INDArray gradW = rows.getLayer(layers[i]).getGradientsViewArray();
            long d = DIM;
            for (int r : indices(previous.getFeatures(i))) {
                if (!now.contains(r)) {
                    cleared++;
                    for (long j = 0; j < d; j++) {
                        assertEquals(0f, gradW.getFloat(r * d + j), layers[i] + " stale row " + r);
                    }
                }
            }
            for (int r = 0; r < rows.getLayer(layers[i]).getParam("W").size(0); r++) {
                float state = rows.getLayer(layers[i]).getGradientsViewArray().getFloat(
                        rows.getLayer(layers[i]).getParam("W").length()
                                + (layers[i].equals("sampleEmb") ? DIM : 0) + r);
                assertEquals(now.contains(r), state != 0f, layers[i] + " AdaGrad increment of row " + r);
            }
        }
        assertTrue(cleared > 0, "the batches should differ in some rows");

        rows.fit(batch);
        // the tables and AdaGrad state move by exactly the returned values; the bias goes through Sgd(0.1), divided
        // by the minibatch size
        INDArray expected = params.sub(first);
        INDArray p = rows.params();
        long bias = rows.getLayer("sampleEmb").getParam("W").length();
        for (long k = 0; k < p.length(); k++) {
            if (k >= bias && k < bias + DIM) {
                assertEquals(params.getFloat(k) - 0.1f * first.getFloat(k) / MB, p.getFloat(k), 1e-6, "bias " + k);
            } else {
                assertEquals(expected.getFloat(k), p.getFloat(k), "parameter " + k);
            }
        }
    }

    private static Set<Integer> indices(INDArray features) {
        Set<Integer> out = new HashSet<>();
        for (double v : features.reshape(features.length()).toDoubleVector()) {
            out.add((int) v);
        }
        return out;
    }

    /**
     * Gradient sharing's accumulator zeroes the whole gradient view and decodes shared updates into any rows before
     * the step; the next backprop must then leave only this step's rows in the view, in every path.
     */
    @Test
    void foreignWritesIntoTheGradientViewAreClearedByTheNextBackprop() {
        for (String hostPath : new String[] {"true", "false"}) {
            String old = System.getProperty(RowKernels.PROPERTY);
            System.setProperty(RowKernels.PROPERTY, hostPath);
            try {
                ComputationGraph rows = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                        new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.2, false), new NoOp(), DataType.FLOAT, true, 4);
                Random random = new Random(8);
                rows.fit(SkipGramNets.batch(random, MB, SAMPLES, TAGS, NEG, DataType.FLOAT));
                MultiDataSet batch = SkipGramNets.batch(random, MB, SAMPLES, TAGS, NEG, DataType.FLOAT);
                INDArray view = rows.getGradientsViewArray();
                view.assign(0);                                     // as EncodedGradientsAccumulator.applyUpdate
                int untouched = 0;
                while (indices(batch.getFeatures(0)).contains(untouched)) {
                    untouched++;
                }
                view.putScalar((long) untouched * DIM + 3, 0.125);   // "decoded" updates in rows this step misses
                view.putScalar((long) SAMPLES * DIM + untouched, -0.5);
                rows.setInputs(batch.getFeatures());
                rows.setLabels(batch.getLabels());
                rows.computeGradientAndScore();
                for (int i = 0; i < 2; i++) {
                    String layer = i == 0 ? "sampleEmb" : "tagEmb";
                    Set<Integer> now = indices(batch.getFeatures(i));
                    INDArray gradW = rows.getLayer(layer).getGradientsViewArray();
                    long v = rows.getLayer(layer).getParam("W").size(0);
                    for (int r = 0; r < v; r++) {
                        boolean written = false;
                        for (long j = 0; j < DIM; j++) {
                            written |= gradW.getFloat(r * DIM + j) != 0f;
                        }
                        written |= gradW.getFloat(v * DIM + r) != 0f;
                        assertEquals(now.contains(r), written, hostPath + " " + layer + " row " + r);
                    }
                }
            } finally {
                if (old == null) {
                    System.clearProperty(RowKernels.PROPERTY);
                } else {
                    System.setProperty(RowKernels.PROPERTY, old);
                }
            }
        }
    }
}

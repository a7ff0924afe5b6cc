package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.stableloss.dl4j.DoublePrecision;

/** What DL4J's GradientCheckUtil sees of the row-sparse layers in the skip-gram graph (DOUBLE). */
@ExtendWith(DoublePrecision.class)
class RowSparseGradientCheckTest {

    static final int SAMPLES = RowSparseTrainingTest.SAMPLES;
    static final int TAGS = RowSparseTrainingTest.TAGS;
    static final int DIM = RowSparseTrainingTest.DIM;
    static final int NEG = RowSparseTrainingTest.NEG;

    /**
     * With {@link RowOptimizer#SGD} at learning rate 1 the gradient view holds the raw gradient of the touched rows
     * (duplicates summed, divided by the minibatch as DL4J's updater divides), so DL4J's gradient check passes.
     */
    @Test
    void gradientCheckPassesWithSgdAtLearningRateOne() {
        ComputationGraph g = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                new SkipGramNets.Rows(RowOptimizer.SGD, 1.0, true), new Sgd(1.0), DataType.DOUBLE, true, 5);
        MultiDataSet b = RowSparseTrainingTest.batches(1, 12, DataType.DOUBLE).get(0);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(b.getFeatures()).labels(b.getLabels()).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check failed");
    }

    /** AdaGrad writes updates, not gradients (and a state change): the check sees a different vector and fails. */
    @Test
    void gradientCheckSeesUpdatesNotGradientsWithAdaGrad() {
        ComputationGraph g = SkipGramNets.graph(SAMPLES, TAGS, DIM, NEG,
                new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 1.0, false), new Sgd(1.0), DataType.DOUBLE, true, 5);
        MultiDataSet b = RowSparseTrainingTest.batches(1, 12, DataType.DOUBLE).get(0);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(b.getFeatures()).labels(b.getLabels()).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8)
                .excludeParams(Set.of("sampleEmb_adagrad", "tagEmb_adagrad")).exitOnFirstError(true));
        assertFalse(ok, "AdaGrad's normalised step should not pass as a gradient");
    }

}

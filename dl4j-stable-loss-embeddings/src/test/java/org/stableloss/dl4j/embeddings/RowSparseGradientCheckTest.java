package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
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


    /**
     * A MultiLayerNetwork: a biased TANH embedding with repeated indices, then a dense layer and a softmax output;
     * SGD at learning rate 1 passes the check.
     */
    @Test
    void gradientCheckPassesInAMultiLayerNetworkWithBiasActivationAndDuplicates() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.DOUBLE)
                .updater(new NoOp()).list()
                .layer(new RowSparseEmbeddingLayer.Builder().nIn(7).nOut(4).hasBias(true).activation(Activation.TANH)
                        .rowOptimizer(RowOptimizer.SGD).rowLearningRate(1.0).build())
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray features = Nd4j.createFromArray(new double[][] {{1}, {4}, {1}, {6}, {0}, {4}});    // duplicates
        INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {0, 1}, {1, 0}, {1, 0}, {0, 1}});
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(features)
                .labels(labels).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check failed");
    }

    /** The sequence layer with a mask [mb, K] (masked positions give no gradient) and NWC output, in a network. */
    @Test
    void gradientCheckPassesForTheSequenceLayerWithAMask() {
        for (RNNFormat format : RNNFormat.values()) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                    .updater(new NoOp()).list()
                    .layer(new RowSparseEmbeddingSequenceLayer.Builder().nIn(6).nOut(3).inputLength(4).hasBias(true)
                            .outputDataFormat(format).activation(Activation.TANH).rowOptimizer(RowOptimizer.SGD)
                            .rowLearningRate(1.0).build())
                    .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(2)
                            .dataFormat(format).activation(Activation.IDENTITY).build())
                    .build();
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            INDArray features = Nd4j.createFromArray(new double[][] {{1, 2, 2, 5}, {0, 3, 1, 1}, {4, 4, 4, 4}});
            INDArray mask = Nd4j.createFromArray(new double[][] {{1, 1, 1, 0}, {1, 1, 0, 0}, {1, 1, 1, 1}});
            INDArray labels = Nd4j.rand(DataType.DOUBLE, format == RNNFormat.NCW ? new long[] {3, 2, 4}
                    : new long[] {3, 4, 2});
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(features)
                    .labels(labels).inputMask(mask).labelMask(mask).epsilon(1e-6).maxRelError(1e-5)
                    .minAbsoluteError(1e-8));
            assertTrue(ok, format + ": gradient check failed");
        }
    }
}

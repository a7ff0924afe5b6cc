package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Random;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * {@link LossSwap} on networks trained with LossBinaryXENT, saved with ModelSerializer and restored: the swapped copy
 * has LossSkipGram (with the per-output weights), the same outputs bit for bit, the same parameters, updater state
 * and counters, trains on, saves back, and leaves the input network as it was.
 */
class LossSwapTest {

    private static final int N_IN = 5;
    private static final int N_OUT = 3;
    private static final INDArray WEIGHTS = Nd4j.createFromArray(new float[]{1f, 2f, 0.5f}).reshape(1, N_OUT);

    @TempDir
    Path tmp;

    @Test
    void multiLayerNetworkRestoredSwappedTrainsAndSavesBack() throws Exception {
        MultiLayerNetwork trained = mln(new LossBinaryXENT(WEIGHTS), Activation.SIGMOID);
        DataSet data = data(64, 1);
        for (int i = 0; i < 5; i++) {
            trained.fit(data);
        }
        File file = tmp.resolve("mln.zip").toFile();
        ModelSerializer.writeModel(trained, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        INDArray paramsBefore = restored.params().dup();
        INDArray updaterBefore = restored.getUpdater().getStateViewArray().dup();

        MultiLayerNetwork swapped = LossSwap.replaceBinaryXent(restored);

        ILossFunction loss = ((BaseOutputLayer) swapped.getLayerWiseConfigurations().getConf(1).getLayer())
                .getLossFn();
        LossSkipGram sg = assertInstanceOf(LossSkipGram.class, loss);
        assertEquals(LossSkipGram.Mode.EXACT, sg.getMode());
        assertArrayEquals(WEIGHTS.toDoubleVector(), sg.getWeights().toDoubleVector());
        assertArrayEquals(flat(restored.output(data.getFeatures())),
                flat(swapped.output(data.getFeatures())), "outputs must be identical");
        assertEquals(restored.params(), swapped.params());
        assertNotSame(restored.params(), swapped.params());
        assertEquals(updaterBefore, swapped.getUpdater().getStateViewArray());
        assertEquals(5, swapped.getIterationCount());
        assertEquals(restored.getEpochCount(), swapped.getEpochCount());

        double before = swapped.score(data);
        for (int i = 0; i < 30; i++) {
            swapped.fit(data);
        }
        assertTrue(swapped.score(data) < before, "score " + before + " -> " + swapped.score(data));
        assertEquals(35, swapped.getIterationCount());

        // the input network is untouched
        assertInstanceOf(LossBinaryXENT.class,
                ((BaseOutputLayer) restored.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn());
        assertEquals(paramsBefore, restored.params());
        assertEquals(updaterBefore, restored.getUpdater().getStateViewArray());
        assertEquals(5, restored.getIterationCount());

        // and the swapped one saves and restores
        File back = tmp.resolve("mln-swapped.zip").toFile();
        ModelSerializer.writeModel(swapped, back, true);
        MultiLayerNetwork again = ModelSerializer.restoreMultiLayerNetwork(back, true);
        assertEquals(sg, ((BaseOutputLayer) again.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn());
        assertArrayEquals(flat(swapped.output(data.getFeatures())),
                flat(again.output(data.getFeatures())));
    }

    @Test
    void computationGraphRestoredSwappedTrainsOtherOutputUntouched() throws Exception {
        ComputationGraph trained = graph(Activation.SIGMOID);
        MultiDataSet data = graphData(64, 2);
        for (int i = 0; i < 4; i++) {
            trained.fit(data);
        }
        File file = tmp.resolve("cg.zip").toFile();
        ModelSerializer.writeModel(trained, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        INDArray paramsBefore = restored.params().dup();
        INDArray updaterBefore = restored.getUpdater().getStateViewArray().dup();
        LossSkipGram template = LossSkipGram.builder().clamped(1e-6).negativeWeight(0.5).build();

        ComputationGraph swapped = LossSwap.replaceBinaryXent(restored, template);

        LossSkipGram sg = assertInstanceOf(LossSkipGram.class, lossOf(swapped, "tags"));
        assertEquals(LossSkipGram.Mode.CLAMPED, sg.getMode());
        assertEquals(1e-6, sg.getEps());
        assertEquals(0.5, sg.getNegativeWeight());
        assertNull(sg.getWeights());
        assertInstanceOf(LossMSE.class, lossOf(swapped, "aux"));
        INDArray[] o1 = restored.output(data.getFeatures());
        INDArray[] o2 = swapped.output(data.getFeatures());
        for (int i = 0; i < o1.length; i++) {
            assertArrayEquals(flat(o1[i]), flat(o2[i]), "output " + i);
        }
        assertEquals(restored.params(), swapped.params());
        assertEquals(updaterBefore, swapped.getUpdater().getStateViewArray());
        assertEquals(4, swapped.getIterationCount());
        assertEquals(restored.getEpochCount(), swapped.getEpochCount());

        double before = swapped.score(data);
        for (int i = 0; i < 30; i++) {
            swapped.fit(data);
        }
        assertTrue(swapped.score(data) < before, "score " + before + " -> " + swapped.score(data));

        assertInstanceOf(LossBinaryXENT.class, lossOf(restored, "tags"));
        assertEquals(paramsBefore, restored.params());
        assertEquals(4, restored.getIterationCount());

        File back = tmp.resolve("cg-swapped.zip").toFile();
        ModelSerializer.writeModel(swapped, back, true);
        ComputationGraph again = ModelSerializer.restoreComputationGraph(back, true);
        assertEquals(sg, lossOf(again, "tags"));
    }

    enum Head { RNN_OUTPUT_LAYER, RNN_LOSS_LAYER, CNN_LOSS_LAYER }

    /**
     * Recurrent and convolutional heads, which DL4J flattens to [examples * steps (or pixels), nOut] before the loss:
     * swapped, restored outputs are identical, the score is LossBinaryXENT's (the logits are moderate, where its
     * clipping does not act, so both compute the same loss; a masked time step counts in neither), and it trains on.
     */
    @ParameterizedTest
    @EnumSource(Head.class)
    void recurrentAndConvolutionalHeadsAreSwapped(Head head) throws Exception {
        MultiLayerNetwork trained = headNet(head);
        DataSet data = headData(head, 16, 3);
        for (int i = 0; i < 3; i++) {
            trained.fit(data);
        }
        File file = tmp.resolve(head + ".zip").toFile();
        ModelSerializer.writeModel(trained, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);

        MultiLayerNetwork swapped = LossSwap.replaceBinaryXent(restored);

        int out = swapped.getnLayers() - 1;
        Object layer = swapped.getLayerWiseConfigurations().getConf(out).getLayer();
        ILossFunction loss = layer instanceof BaseOutputLayer o ? o.getLossFn()
                : layer instanceof RnnLossLayer l ? l.getLossFn() : ((CnnLossLayer) layer).getLossFn();
        assertInstanceOf(LossSkipGram.class, loss, head.toString());
        assertArrayEquals(flat(restored.output(data.getFeatures())), flat(swapped.output(data.getFeatures())),
                head + ": outputs must be identical");
        double xent = restored.score(data);
        double before = swapped.score(data);
        assertEquals(xent, before, 1e-5 * xent, head + ": LossSkipGram's score vs LossBinaryXENT's");
        for (int i = 0; i < 20; i++) {
            swapped.fit(data);
        }
        assertTrue(swapped.score(data) < before, head + ": score " + before + " -> " + swapped.score(data));
    }

    /** Dense-free heads: LSTM then RnnOutputLayer or RnnLossLayer; 1x1 convolution then CnnLossLayer. */
    private static MultiLayerNetwork headNet(Head head) {
        var list = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).updater(new Adam(0.05))
                .list();
        switch (head) {
            case RNN_OUTPUT_LAYER -> list
                    .layer(new LSTM.Builder().nIn(N_IN).nOut(8).activation(Activation.TANH).build())
                    .layer(new RnnOutputLayer.Builder(new LossBinaryXENT()).nIn(8).nOut(N_OUT)
                            .activation(Activation.SIGMOID).build());
            case RNN_LOSS_LAYER -> list
                    .layer(new LSTM.Builder().nIn(N_IN).nOut(N_OUT).activation(Activation.IDENTITY).build())
                    .layer(new RnnLossLayer.Builder(new LossBinaryXENT()).activation(Activation.SIGMOID).build());
            case CNN_LOSS_LAYER -> list
                    .layer(new ConvolutionLayer.Builder(1, 1).nIn(N_IN).nOut(N_OUT)
                            .activation(Activation.IDENTITY).build())
                    .layer(new CnnLossLayer.Builder(new LossBinaryXENT()).activation(Activation.SIGMOID).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /**
     * {@link #data}'s rule at every time step or pixel: [mb, N_IN, 4] sequences with the last step of every other
     * example masked, or [mb, N_IN, 3, 3] images.
     */
    private static DataSet headData(Head head, int mb, long seed) {
        int positions = head == Head.CNN_LOSS_LAYER ? 9 : 4;
        DataSet flat = data(mb * positions, seed);
        INDArray x = flat.getFeatures().reshape(mb, positions, N_IN).permute(0, 2, 1).dup('c');
        INDArray y = flat.getLabels().reshape(mb, positions, N_OUT).permute(0, 2, 1).dup('c');
        if (head == Head.CNN_LOSS_LAYER) {
            return new DataSet(x.reshape(mb, N_IN, 3, 3), y.reshape(mb, N_OUT, 3, 3));
        }
        INDArray mask = Nd4j.ones(DataType.FLOAT, mb, positions);
        for (int i = 0; i < mb; i += 2) {
            mask.putScalar(i, positions - 1, 0);
        }
        return new DataSet(x, y, null, mask);
    }

    @Test
    void identityActivationIsAcceptedAndKept() {
        ComputationGraph g = graph(Activation.IDENTITY);
        ComputationGraph swapped = LossSwap.replaceBinaryXent(g);
        assertEquals(Activation.IDENTITY.getActivationFunction(), layerConf(swapped, "tags").getActivationFn());
        assertInstanceOf(LossSkipGram.class, lossOf(swapped, "tags"));
    }

    @Test
    void noBinaryXentOutputIsRefusedNamingTheLayer() {
        MultiLayerNetwork softmax = mln(new LossMCXENT(), Activation.SOFTMAX);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossSwap.replaceBinaryXent(softmax));
        assertTrue(e.getMessage().contains("no output layer with LossBinaryXENT"), e.getMessage());
        assertTrue(e.getMessage().contains("layer 1 ('out')") && e.getMessage().contains("MCXENT"), e.getMessage());
    }

    @Test
    void otherActivationIsRefusedNamingTheLayerExpectedAndActual() {
        MultiLayerNetwork net = mln(new LossBinaryXENT(), Activation.SOFTMAX);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossSwap.replaceBinaryXent(net));
        assertTrue(e.getMessage().contains("layer 1 ('out')") && e.getMessage().contains("expected sigmoid or"
                + " identity, got softmax"), e.getMessage());

        ComputationGraph g = graph(Activation.TANH);
        e = assertThrows(IllegalArgumentException.class, () -> LossSwap.replaceBinaryXent(g));
        assertTrue(e.getMessage().contains("layer 'tags'") && e.getMessage().contains("got tanh"), e.getMessage());
    }

    @Test
    void conflictingWeightsAndNullsAreRefused() {
        MultiLayerNetwork net = mln(new LossBinaryXENT(WEIGHTS), Activation.SIGMOID);
        LossSkipGram other = LossSkipGram.builder().weights(Nd4j.createFromArray(new float[]{1f, 1f, 1f})).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossSwap.replaceBinaryXent(net, other));
        assertTrue(e.getMessage().contains("per-output weights"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LossSwap.replaceBinaryXent((MultiLayerNetwork) null));
        assertThrows(IllegalArgumentException.class, () -> LossSwap.replaceBinaryXent(net, null));
    }

    private static float[] flat(INDArray a) {
        return a.ravel().toFloatVector();
    }

    private static org.deeplearning4j.nn.conf.layers.BaseLayer layerConf(ComputationGraph g, String name) {
        return (org.deeplearning4j.nn.conf.layers.BaseLayer) g.getLayer(name).conf().getLayer();
    }

    private static ILossFunction lossOf(ComputationGraph g, String name) {
        Object layer = g.getLayer(name).conf().getLayer();
        return layer instanceof BaseOutputLayer o ? o.getLossFn() : ((LossLayer) layer).getLossFn();
    }

    private static MultiLayerNetwork mln(ILossFunction loss, Activation outAct) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Adam(0.05)).list()
                .layer(new DenseLayer.Builder().nIn(N_IN).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(loss).name("out").nIn(8).nOut(N_OUT).activation(outAct).build())
                .validateOutputLayerConfig(false) // softmax + LossBinaryXENT: the case LossSwap must refuse
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Input -> dense -> "tags" (sigmoid-like, LossBinaryXENT) and "aux" (identity, MSE). */
    private static ComputationGraph graph(Activation tagsAct) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Adam(0.05)).graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(N_IN).nOut(8).activation(Activation.TANH).build(),
                        "in")
                .addLayer("tags", new OutputLayer.Builder(new LossBinaryXENT()).nIn(8).nOut(N_OUT)
                        .activation(tagsAct).build(), "hidden")
                .addLayer("aux", new OutputLayer.Builder(new LossMSE()).nIn(8).nOut(2)
                        .activation(Activation.IDENTITY).build(), "hidden")
                .setOutputs("tags", "aux")
                .validateOutputLayerConfig(false) // identity/tanh + LossBinaryXENT: cases LossSwap must handle
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** Labels a learnable function of the features: y_j = [x_j + x_{j+1} > 0]. */
    private static DataSet data(int mb, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[mb][N_IN];
        float[][] y = new float[mb][N_OUT];
        for (int i = 0; i < mb; i++) {
            for (int j = 0; j < N_IN; j++) {
                x[i][j] = (float) (r.nextGaussian() * 2);
            }
            for (int j = 0; j < N_OUT; j++) {
                y[i][j] = x[i][j] + x[i][j + 1] > 0 ? 1 : 0;
            }
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    private static MultiDataSet graphData(int mb, long seed) {
        DataSet d = data(mb, seed);
        INDArray aux = d.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)).dup();
        return new MultiDataSet(new INDArray[]{d.getFeatures()}, new INDArray[]{d.getLabels(), aux});
    }
}

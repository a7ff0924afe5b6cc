package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.File;
import java.nio.file.Path;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/** The snippets of docs/migrating.md, verbatim between the set-up lines: they compile and run. */
class MigratingSnippetsTest {

    @TempDir
    Path tmp;

    @Test
    void snippetsRun() throws Exception {
        MultiLayerNetwork trained = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(new LossBinaryXENT()).nIn(8).nOut(3).activation(Activation.SIGMOID)
                        .build())
                .build());
        trained.init();
        DataSet trainingData = new DataSet(Nd4j.rand(DataType.FLOAT, 32, 4),
                Nd4j.rand(DataType.FLOAT, 32, 3).gt(0.5).castTo(DataType.FLOAT));
        trained.fit(trainingData);
        File saved = tmp.resolve("model.zip").toFile();
        File migrated = tmp.resolve("model-skipgram.zip").toFile();
        ModelSerializer.writeModel(trained, saved, true);
        File savedGraph = tmp.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(trained.toComputationGraph(), savedGraph, true);

        MultiLayerNetwork old = ModelSerializer.restoreMultiLayerNetwork(saved, true);   // true: keep the updater state
        MultiLayerNetwork net = LossSwap.replaceBinaryXent(old);
        net.fit(trainingData);                             // training goes on from where it was
        ModelSerializer.writeModel(net, migrated, true);

        ComputationGraph oldGraph = ModelSerializer.restoreComputationGraph(savedGraph, true);
        ComputationGraph graph = LossSwap.replaceBinaryXent(oldGraph);

        LossSkipGram clamped = LossSkipGram.builder().clamped(1e-4).build();
        MultiLayerNetwork clampedNet = LossSwap.replaceBinaryXent(old, clamped);

        SaturationListener watch = new SaturationListener(50);    // every 50 iterations, T = 17
        net.setListeners(watch);
        for (int i = 0; i < 100; i++) {
            net.fit(trainingData);
        }
        SaturationListener.Stats s = watch.last();                // null before the first report
        System.out.printf("%d of %d pairs confidently wrong, max |logit| %.1f%n",
                s.confidentlyWrong(), s.pairs(), s.maxAbsLogit());

        assertNotNull(ModelSerializer.restoreMultiLayerNetwork(migrated, true));
        assertInstanceOf(LossSkipGram.class, ((BaseOutputLayer) graph.getLayers()[graph.getLayers().length - 1]
                .conf().getLayer()).getLossFn());
        assertInstanceOf(LossSkipGram.class, ((BaseOutputLayer) clampedNet.getLayerWiseConfigurations().getConf(1)
                .getLayer()).getLossFn());
    }
}

package org.stableloss.dl4j.benchmarks;

import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.stableloss.dl4j.LossSkipGram;

/**
 * One {@code MultiLayerNetwork.fit} step where the loss is what users swap: a dense input layer (32 features, 32
 * units, tanh) and an {@code OutputLayer} [mb, nOut] with SIGMOID activation and {@link LossSkipGram} (exact) or
 * DL4J's {@code LossBinaryXENT}, against the same step with an IDENTITY output and DL4J's {@code LossMSE}
 * ({@code mse}, a cheap real loss) or {@link ZeroLoss} ({@code floor}: a loss that does no work, so the step
 * without any loss). DL4J runs the step in its workspaces and calls the loss's {@code computeScore} and
 * {@code computeGradient} once each, so this is the regime the loss meets in training.
 *
 * <p>Labels are hard, one positive per 6 outputs (a skip-gram minibatch with 5 negatives per positive); logits
 * start near N(0, 1). SGD with a learning rate of 1e-4 keeps the data in the same regime over the run. The step
 * time of a loss, its share, is {@code step(loss) - step(floor)}. {@link FitStepReport} runs these interleaved, best of N,
 * and prints the ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class FitStepBenchmark {

    /** Features of the input and units of the dense layer. */
    static final int HIDDEN = 32;

    /** Minibatch x outputs. */
    @Param({"256x6", "256x1024", "2048x1024", "4096x1024"})
    public String shape;

    /** The network's dtype. */
    @Param({"FLOAT"})
    public String dtype;

    /** {@code LossSkipGram}, {@code LossBinaryXENT}, {@code mse} or {@code floor} (both IDENTITY). */
    @Param({"LossSkipGram", "LossBinaryXENT", "mse", "floor"})
    public String loss;

    private MultiLayerNetwork net;
    private DataSet batch;

    /** Builds the network and one minibatch, and takes one step. */
    @Setup(Level.Trial)
    public void setUp() {
        String[] mbByOut = shape.split("x");
        int mb = Integer.parseInt(mbByOut[0]);
        int nOut = Integer.parseInt(mbByOut[1]);
        DataType dt = DataType.valueOf(dtype);
        net = network(loss, nOut, dt);
        Nd4j.getRandom().setSeed(42);
        INDArray features = Nd4j.randn(DataType.DOUBLE, mb, HIDDEN).castTo(dt);
        INDArray labels = Nd4j.zeros(dt, mb, nOut);
        for (int c = 0; c < nOut; c += 6) {
            labels.getColumn(c).assign(1);
        }
        batch = new DataSet(features, labels);
        net.fit(batch);
        if (!Double.isFinite(net.score())) {
            throw new IllegalStateException("score " + net.score());
        }
    }

    /**
     * The loss of one peer: {@code LossSkipGram} (exact), {@code LossBinaryXENT}, {@code mse} ({@code LossMSE}) or
     * {@code floor} ({@link ZeroLoss}).
     */
    static ILossFunction lossOf(String peer) {
        return switch (peer) {
            case "LossSkipGram" -> new LossSkipGram();
            case "LossBinaryXENT" -> new LossBinaryXENT();
            case "mse" -> new LossMSE();
            case "floor" -> new ZeroLoss();
            default -> throw new IllegalArgumentException(
                    "loss must be LossSkipGram, LossBinaryXENT, mse or floor, got " + peer);
        };
    }

    /** The activation of one peer's output layer: SIGMOID for the two sigmoid losses, IDENTITY for the others. */
    static Activation activationOf(String peer) {
        return peer.equals("LossSkipGram") || peer.equals("LossBinaryXENT") ? Activation.SIGMOID : Activation.IDENTITY;
    }

    /** The network of one peer: {@code LossSkipGram}, {@code LossBinaryXENT} or {@code floor}. */
    static MultiLayerNetwork network(String loss, int nOut, DataType dt) {
        ILossFunction fn = lossOf(loss);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).dataType(dt)
                .updater(new Sgd(1e-4)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(HIDDEN).nOut(HIDDEN).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(fn).nIn(HIDDEN).nOut(nOut)
                        .activation(activationOf(loss)).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** One training step on the minibatch. */
    @Benchmark
    public MultiLayerNetwork fitStep() {
        net.fit(batch);
        return net;
    }
}

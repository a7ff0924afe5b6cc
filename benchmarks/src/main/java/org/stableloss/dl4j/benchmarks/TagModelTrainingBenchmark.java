package org.stableloss.dl4j.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
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
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.tags.TagModel;

/**
 * One training step of the samples' tag model ({@link TagModel}: sample and tag embeddings, dim 32,
 * {@code DotProductVertex}, {@code LossLayer}; Adam) on the bundled Debtags data ({@link TagData#loadBundled}: 14,663
 * samples, 488 tags): {@code ComputationGraph.fit} on one {@code MultiDataSet} of {@value #PAIRS} (sample, tag) pairs
 * x (1 + K) tags, K = 5, with {@code LossSkipGram} (exact, IDENTITY) against DL4J's {@code LossBinaryXENT} + SIGMOID
 * and against the same step with IDENTITY and {@code LossMSE} ({@code mse}) or a loss that does no work
 * ({@code floor}).
 *
 * <p>The minibatches are built once, from training pairs of {@code TagData.split(0.1, 42)} with K uniformly drawn
 * tags the sample does not have, and the benchmark cycles through {@value #MINIBATCHES} of them (one {@code fit} per
 * op), so that the model does not overfit a single minibatch. Reported in ms per step (per op); to convert to
 * training throughput: <b>pairs/s = {@value #PAIRS} / (ms/op / 1000)</b> (each pair with its K negatives). The step includes the embedding layers' dense [V, d] gradients and Adam's update of all
 * parameters, which is why the loss is a small part of it. ND4J's threads: set {@code OMP_NUM_THREADS} (the samples
 * use 1).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class TagModelTrainingBenchmark {

    /** Positive pairs per minibatch. */
    public static final int PAIRS = 256;
    /** Distinct minibatches the benchmark cycles through. */
    public static final int MINIBATCHES = 16;
    static final int NEGATIVES = 5;
    static final int DIM = 32;

    /**
     * {@code LossSkipGram} (IDENTITY), {@code LossBinaryXENT} (SIGMOID), {@code mse} or {@code floor}
     * ({@link ZeroLoss}), both IDENTITY.
     */
    @Param({"LossSkipGram", "LossBinaryXENT", "mse", "floor"})
    public String loss;

    private ComputationGraph graph;
    private MultiDataSet[] batches;
    private int next;

    /** Loads the data, builds the minibatches and the graph, and takes one step. */
    @Setup(Level.Trial)
    public void setUp() {
        TagData data = TagData.loadBundled();
        TagData.Split split = data.split(0.1, 42);
        Random rnd = new Random(42);
        int cols = 1 + NEGATIVES;
        batches = new MultiDataSet[MINIBATCHES];
        for (int m = 0; m < MINIBATCHES; m++) {
            float[] sample = new float[PAIRS];
            float[] tags = new float[PAIRS * cols];
            float[] labels = new float[PAIRS * cols];
            for (int i = 0; i < PAIRS; i++) {
                int p = rnd.nextInt(split.numTrain());
                int s = split.train()[0][p];
                sample[i] = s;
                tags[i * cols] = split.train()[1][p];
                labels[i * cols] = 1;
                for (int k = 1; k < cols; k++) {
                    int t;
                    do {
                        t = rnd.nextInt(data.numTags());
                    } while (data.hasTag(s, t));
                    tags[i * cols + k] = t;
                }
            }
            batches[m] = new MultiDataSet(
                    new INDArray[]{Nd4j.create(sample, new long[]{PAIRS, 1}), Nd4j.create(tags, new long[]{PAIRS, cols})},
                    new INDArray[]{Nd4j.create(labels, new long[]{PAIRS, cols})});
        }
        graph = TagModel.buildGraph(data.numSamples(), data.numTags(), DIM, NEGATIVES,
                FitStepBenchmark.lossOf(loss), loss.equals("LossBinaryXENT") ? Activation.SIGMOID : Activation.IDENTITY,
                "adam", 0.005, 42);
        graph.fit(batches[0]);
        if (!Double.isFinite(graph.score())) {
            throw new IllegalStateException("score " + graph.score());
        }
    }

    /** One training step on the next minibatch. */
    @Benchmark
    public ComputationGraph fitOneMinibatch() {
        graph.fit(batches[next]);
        next = (next + 1) % MINIBATCHES;
        return graph;
    }
}

package org.stableloss.dl4j.benchmarks;

import java.util.concurrent.TimeUnit;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
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
 * {@code computeGradientAndScore} and {@code computeScoreArray} of {@link LossSkipGram} against DL4J's
 * {@code LossBinaryXENT} (sigmoid), libnd4j's fused {@code sigm_cross_entropy_loss} and
 * {@code sigm_cross_entropy_loss_grad} ops, and the memory floor (a plain copy of the logits: one read, one new array
 * of the same size), on the same arrays and in one run, so that their ratios are meaningful on a noisy machine.
 *
 * <p>Arrays are [rows, 1024] with {@code elements / 1024} rows; labels are hard, one positive per 6 columns
 * (a skip-gram minibatch with 5 negatives per positive); logits are N(0, 3).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class LossBenchmark {

    /** 2^12 .. 2^24 elements. */
    @Param({"4096", "65536", "1048576", "4194304", "16777216"})
    public int elements;

    @Param({"FLOAT", "DOUBLE", "HALF"})
    public String dtype;

    private INDArray labels;
    private INDArray logits;
    private final LossSkipGram exact = new LossSkipGram();
    private final LossSkipGram clamped = LossSkipGram.builder().clamped(1e-4).build();
    private final LossBinaryXENT xent = new LossBinaryXENT();
    private INDArray unitWeight;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4j.getRandom().setSeed(42);
        DataType dt = DataType.valueOf(dtype);
        int cols = 1024;
        int rows = Math.max(1, elements / cols);
        logits = Nd4j.randn(DataType.DOUBLE, rows, cols).muli(3).castTo(dt);
        labels = Nd4j.zeros(dt, rows, cols);
        for (int c = 0; c < cols; c += 6) {
            labels.getColumn(c).assign(1);
        }
        unitWeight = Nd4j.scalar(dt, 1.0);
    }

    /**
     * Which implementation of LossSkipGram runs: {@code fast} (the CPU vector path, the default on CPU when the JVM
     * has jdk.incubator.vector, as these forks do) or {@code portable} (the ND4J op path that CUDA runs).
     */
    @State(Scope.Benchmark)
    public static class Path {
        @Param({"fast", "portable"})
        public String path;

        @Setup(Level.Trial)
        public void select() {
            System.setProperty("org.stableloss.dl4j.fastPath", Boolean.toString(path.equals("fast")));
        }
    }

    @Benchmark
    public Pair<Double, INDArray> skipGramExact(Path path) {
        return exact.computeGradientAndScore(labels, logits, new ActivationIdentity(), null, false);
    }

    @Benchmark
    public Pair<Double, INDArray> skipGramClamped(Path path) {
        return clamped.computeGradientAndScore(labels, logits, new ActivationIdentity(), null, false);
    }

    @Benchmark
    public INDArray skipGramExactScoreArray(Path path) {
        return exact.computeScoreArray(labels, logits, new ActivationIdentity(), null);
    }

    @Benchmark
    public Pair<Double, INDArray> binaryXent() {
        return xent.computeGradientAndScore(labels, logits, new ActivationSigmoid(), null, false);
    }

    @Benchmark
    public INDArray binaryXentScoreArray() {
        return xent.computeScoreArray(labels, logits, new ActivationSigmoid(), null);
    }

    /** libnd4j's fused loss (reduction SUM, as the score) and its gradient op: the two calls a score+gradient needs. */
    @Benchmark
    public INDArray[] libnd4jSigmoidCrossEntropy() {
        INDArray score = Nd4j.exec(DynamicCustomOp.builder("sigm_cross_entropy_loss")
                .addInputs(logits, unitWeight, labels).addIntegerArguments(1).addFloatingPointArguments(0.0)
                .build())[0];
        INDArray grad = Nd4j.exec(DynamicCustomOp.builder("sigm_cross_entropy_loss_grad")
                .addInputs(logits, unitWeight, labels).addIntegerArguments(1).addFloatingPointArguments(0.0)
                .build())[0];
        return new INDArray[] {score, grad};
    }

    /** libnd4j's fused loss with reduction NONE: the per-element scores. */
    @Benchmark
    public INDArray libnd4jSigmoidCrossEntropyScoreArray() {
        return Nd4j.exec(DynamicCustomOp.builder("sigm_cross_entropy_loss")
                .addInputs(logits, unitWeight, labels).addIntegerArguments(0).addFloatingPointArguments(0.0)
                .build())[0];
    }

    @Benchmark
    public INDArray memoryFloor() {
        return logits.dup();
    }
}

package org.stableloss.dl4j.benchmarks;

import java.util.concurrent.TimeUnit;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * {@code computeGradientAndScore} of {@link LossSkipGram} against DL4J's {@code LossBinaryXENT} (sigmoid) on the
 * same arrays, and against the memory floor: a plain copy of the logits (one read, one new array of the same size),
 * all measured in one run so that their ratios are meaningful on a noisy machine.
 *
 * <p>Arrays are [rows, 1024] with {@code elements / 1024} rows; labels are hard, one positive per 6 columns
 * (a skip-gram minibatch with 5 negatives per positive); logits are N(0, 3).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class LossBenchmark {

    @Param({"4194304"})
    public int elements;

    @Param({"FLOAT"})
    public String dtype;

    private INDArray labels;
    private INDArray logits;
    private final LossSkipGram exact = new LossSkipGram();
    private final LossSkipGram clamped = LossSkipGram.builder().clamped(1e-4).build();
    private final LossBinaryXENT xent = new LossBinaryXENT();

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
    public Pair<Double, INDArray> binaryXent() {
        return xent.computeGradientAndScore(labels, logits, new ActivationSigmoid(), null, false);
    }

    @Benchmark
    public INDArray memoryFloor() {
        return logits.dup();
    }
}

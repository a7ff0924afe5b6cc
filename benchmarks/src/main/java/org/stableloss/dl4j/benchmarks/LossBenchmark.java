package org.stableloss.dl4j.benchmarks;

import java.util.concurrent.TimeUnit;

import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
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
import org.openjdk.jmh.infra.Blackhole;
import org.stableloss.dl4j.LossSkipGram;

/**
 * The loss alone as DL4J calls it in a training step: {@code computeScore} then {@code computeGradient} on the same
 * arrays, inside a warm DL4J-style workspace (its memory reused from call to call, so page faults of fresh arrays
 * do not count), {@link LossSkipGram} (exact, SIGMOID activation fused) against DL4J's {@code LossBinaryXENT}
 * (SIGMOID). Each call first copies the logits into the workspace, for every peer alike: {@code LossBinaryXENT}
 * writes into its {@code preOutput}, so it must never see the same array twice. {@code copy} is that copy alone;
 * {@code memoryFloor} is the copy plus one op that reads logits and labels and writes an array of their size (what
 * any loss must at least do).
 *
 * <p>Arrays are [minibatch, nOut] ({@code shape}, the shapes of {@link FitStepBenchmark} and two more); labels are
 * hard, one positive per 6 columns; logits are N(0, 3).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class LossBenchmark {

    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.FIRST_LOOP).build();

    /** Minibatch x outputs. */
    @Param({"256x6", "64x1024", "256x1024", "1024x1024", "2048x1024", "4096x1024"})
    public String shape;

    /** The arrays' dtype. */
    @Param({"FLOAT"})
    public String dtype;

    /**
     * {@code host}: LossSkipGram's default path on the CPU; {@code scalar}: the host path's plain Java loops at
     * every size; {@code portable}: forced onto the ND4J op path.
     */
    @Param({"host", "scalar", "portable"})
    public String path;

    private INDArray labels;
    private INDArray logits;
    private final ILossFunction skipGram = new LossSkipGram();
    private final ILossFunction xent = new LossBinaryXENT();

    /** Makes the arrays and selects the path. */
    @Setup(Level.Trial)
    public void setUp() {
        System.setProperty("org.stableloss.dl4j.fastPath", switch (path) {
            case "host" -> "true";
            case "scalar" -> "scalar";
            default -> "false";
        });
        Nd4j.getRandom().setSeed(42);
        DataType dt = DataType.valueOf(dtype);
        String[] mbByOut = shape.split("x");
        int rows = Integer.parseInt(mbByOut[0]);
        int cols = Integer.parseInt(mbByOut[1]);
        logits = Nd4j.randn(DataType.DOUBLE, rows, cols).muli(3).castTo(dt);
        labels = Nd4j.zeros(dt, rows, cols);
        for (int c = 0; c < cols; c += 6) {
            labels.getColumn(c).assign(1);
        }
    }

    private void step(ILossFunction loss, Blackhole bh) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "LossBenchmark")) {
            INDArray x = logits.dup();
            bh.consume(loss.computeScore(labels, x, new ActivationSigmoid(), null, false));
            bh.consume(loss.computeGradient(labels, x, new ActivationSigmoid(), null));
        }
    }

    /** LossSkipGram: score, then gradient. */
    @Benchmark
    public void skipGram(Blackhole bh) {
        step(skipGram, bh);
    }

    /** LossBinaryXENT: score, then gradient, on its own copy of the logits. */
    @Benchmark
    public void binaryXent(Blackhole bh) {
        step(xent, bh);
    }

    /** The copy of the logits every peer makes. */
    @Benchmark
    public void copy(Blackhole bh) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "LossBenchmark")) {
            bh.consume(logits.dup());
        }
    }

    /** The copy, plus reading logits and labels and writing a result of their size once. */
    @Benchmark
    public void memoryFloor(Blackhole bh) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "LossBenchmark")) {
            INDArray x = logits.dup();
            INDArray out = x.ulike();
            Nd4j.getExecutioner().exec(new AddOp(x, labels, out));
            bh.consume(out);
        }
    }
}

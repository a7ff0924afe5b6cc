package org.stableloss.dl4j.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.samediff.SkipGramSameDiff;
import org.stableloss.dl4j.samediff.SameDiffSupport;

/**
 * Forward + backward in SameDiff of {@link SkipGramSameDiff} (exact mode) against SameDiff's own
 * {@code sd.loss.sigmoidCrossEntropy} (libnd4j's fused {@code sigm_cross_entropy_loss} and its gradient op), reduction
 * SUM, on the same inputs: one {@code sd.calculateGradientsAndOutputs} call per op, returning the loss value and the
 * gradients of the inputs (the inputs are SameDiff variables, so their gradients are computed; nothing is updated).
 *
 * <ul>
 *   <li>{@link #embeddings}: anchor {@code [B, D]}, positive {@code [B, D]}, negatives {@code [B, K, D]}, N(0, 0.375)
 *       so that the logits are ~N(0, 3) at D = 64. {@code skipGram}: {@link SkipGramSameDiff#skipGram};
 *       {@code skipGramLoss}: the same dot products written out, then {@link SkipGramSameDiff#loss};
 *       {@code sigmoidCrossEntropy}: the same dot products, then {@code sd.loss.sigmoidCrossEntropy}. The differences
 *       are the cost of the loss subgraphs; the dot products and their gradients are common to all three.</li>
 *   <li>{@link #logits}: the loss alone, on logits {@code [B, K + 1]} ~N(0, 3) (a variable) and labels 1, 0, ..., 0
 *       (a constant): {@link SkipGramSameDiff#loss} against {@code sd.loss.sigmoidCrossEntropy}.</li>
 * </ul>
 * FLOAT. SameDiff runs each op from Java, so at small B a graph's op count weighs more than the arithmetic
 * ({@link SkipGramSameDiff#loss}: 22 ops forward, 43 forward + backward; {@code sigmoidCrossEntropy}: 1 and 2); try
 * {@code -p batch=16384} for more arithmetic. ND4J's threads: set {@code OMP_NUM_THREADS} (the samples use 1).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class SameDiffLossBenchmark {

    /** B, pairs (rows). */
    @Param({"1024"})
    public int batch;

    /** K, negatives per pair. */
    @Param({"5"})
    public int negatives;

    /** D, embedding size. */
    @Param({"64"})
    public int dim;

    /** The graph over anchor, positive and negatives embeddings. */
    @State(Scope.Benchmark)
    public static class EmbeddingsGraph {
        /** {@code skipGram}, {@code skipGramLoss} (dot products then {@code loss}) or {@code sigmoidCrossEntropy}. */
        @Param({"skipGram", "skipGramLoss", "sigmoidCrossEntropy"})
        public String impl;

        Graph graph;

        /** @param b the benchmark's sizes */
        @Setup(Level.Trial)
        public void setUp(SameDiffLossBenchmark b) {
            Random r = new Random(42);
            double sd = Math.sqrt(3.0 / Math.sqrt(b.dim)); // dot of two N(0, sd^2) D-vectors: std sd^2 sqrt(D) = 3
            SameDiff g = SameDiff.create();
            SDVariable anchor = g.var("anchor", normal(r, sd, b.batch, b.dim));
            SDVariable positive = g.var("positive", normal(r, sd, b.batch, b.dim));
            SDVariable negs = g.var("negatives", normal(r, sd, b.batch, b.negatives, b.dim));
            if (impl.equals("skipGram")) {
                SkipGramSameDiff.skipGram(g, "loss", anchor, positive, negs, null, LossReduce.SUM, new LossSkipGram())
                        .markAsLoss();
            } else {
                SDVariable positiveLogit = g.sum(anchor.mul(positive), true, 1);                    // [B, 1]
                SDVariable negativeLogits = g.sum(negs.mul(g.expandDims(anchor, 1)), 2);           // [B, K]
                SDVariable logits = g.concat(1, positiveLogit, negativeLogits);                      // [B, 1 + K]
                addLoss(g, impl, logits, g.constant("labels", labels(b.batch, b.negatives)));
            }
            graph = new Graph(g, List.of("anchor", "positive", "negatives"));
        }
    }

    /** The loss alone, on a logits variable. */
    @State(Scope.Benchmark)
    public static class LogitsGraph {
        /** {@code skipGramLoss} ({@link SkipGramSameDiff#loss}) or {@code sigmoidCrossEntropy}. */
        @Param({"skipGramLoss", "sigmoidCrossEntropy"})
        public String impl;

        Graph graph;

        /** @param b the benchmark's sizes */
        @Setup(Level.Trial)
        public void setUp(SameDiffLossBenchmark b) {
            SameDiff g = SameDiff.create();
            SDVariable logits = g.var("logits", normal(new Random(42), 3, b.batch, 1 + b.negatives));
            addLoss(g, impl, logits, g.constant("labels", labels(b.batch, b.negatives)));
            graph = new Graph(g, List.of("logits"));
        }
    }

    /** A graph with its loss named "loss" and the variables whose gradients are asked for. */
    static final class Graph {
        final SameDiff sd;
        final List<String> inputs;

        Graph(SameDiff sd, List<String> inputs) {
            this.sd = sd;
            this.inputs = inputs;
            SameDiffSupport.createGradFunctionQuietly(sd);
            INDArray loss = run().getOutputs().get("loss");
            if (!Double.isFinite(loss.getDouble(0)) || loss.getDouble(0) <= 0) {
                throw new IllegalStateException("loss " + loss);
            }
        }

        OutAndGrad run() {
            return sd.calculateGradientsAndOutputs(Map.of(), List.of("loss"), inputs);
        }
    }

    static void addLoss(SameDiff g, String impl, SDVariable logits, SDVariable labels) {
        switch (impl) {
            case "skipGramLoss" -> SkipGramSameDiff.loss(g, "loss", logits, labels, null, LossReduce.SUM,
                    new LossSkipGram()).markAsLoss();
            case "sigmoidCrossEntropy" -> g.loss.sigmoidCrossEntropy("loss", labels, logits, null, LossReduce.SUM, 0.0);
            default -> throw new IllegalArgumentException("impl " + impl);
        }
    }

    /** [B, 1 + K]: 1 in column 0 (the positive), 0 elsewhere. */
    static INDArray labels(int batch, int negatives) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 1 + negatives);
        y.getColumn(0).assign(1);
        return y;
    }

    static INDArray normal(Random r, double sd, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * sd);
        }
        return Nd4j.create(v, shape, DataType.FLOAT);
    }

    /**
     * @param g the graph over embeddings
     * @return the loss and gradients (consumed by JMH)
     */
    @Benchmark
    public Object embeddings(EmbeddingsGraph g) {
        return g.graph.run();
    }

    /**
     * @param g the graph over logits
     * @return the loss and gradients (consumed by JMH)
     */
    @Benchmark
    public Object logits(LogitsGraph g) {
        return g.graph.run();
    }
}

package org.stableloss.dl4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.activations.Activation;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.SaturationListener;
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.tags.TagPairs;
import org.stableloss.dl4j.embeddings.tags.TagModel;

/**
 * The cost of {@link SaturationListener} on a training step of the samples' tag model ({@link TagModel}
 * on the bundled Debtags data, dim 32, K = 5, 256 pairs per minibatch, LossSkipGram, Adam): {@code fit} on one
 * minibatch without a listener, with the listener reporting every step (its worst case: the logits and labels copied
 * and counted, and one INFO line, each step) and every 10 steps (its default). The overhead is the ratio of the
 * ms/op figures. The minibatches are the first {@value #MINIBATCHES} of a {@link TagPairs} epoch, cycled.
 *
 * <p>On a busy machine the ms/op of separate forks drift more than the listener costs, so each fork with a listener
 * also times the listener's own calls and the whole {@code fit} calls side by side (the listener is wrapped in a
 * delegate that measures its two hooks) and prints their ratio at the end of the trial: "listener share", in wall
 * time and in the thread's CPU time (which leaves out the time other processes take the core away; with
 * {@code OMP_NUM_THREADS=1} ND4J runs the step's ops on the calling thread).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class SaturationListenerBenchmark {

    /** Distinct minibatches the benchmark cycles through. */
    public static final int MINIBATCHES = 16;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** none, or the listener's reporting interval in steps. */
    @Param({"none", "1", "10"})
    public String listener;

    private ComputationGraph graph;
    private List<MultiDataSet> batches;
    private int next;
    private TimedListener timed;
    private long fitNanos;
    private long fitCpuNanos;
    private long fits;

    @Setup(Level.Trial)
    public void setUp() {
        TagData data = TagData.loadBundled();
        TagPairs pairs = new TagPairs(data, data.split(0.1, 42));
        batches = pairs.batches(5, 256, 42).nextEpoch().subList(0, MINIBATCHES);
        graph = TagModel.buildGraph(data.numSamples(), data.numTags(), 32, 5, new LossSkipGram(),
                Activation.IDENTITY, "adam", 0.005, 42);
        if (!listener.equals("none")) {
            timed = new TimedListener(new SaturationListener(Integer.parseInt(listener)));
            graph.setListeners(timed);
        }
        graph.fit(batches.get(0));
        fitNanos = 0;
        fitCpuNanos = 0;
        fits = 0;
        if (timed != null) {
            timed.nanos = 0;
            timed.cpuNanos = 0;
        }
    }

    @TearDown(Level.Trial)
    public void report() {
        if (timed != null && fits > 0) {
            System.out.printf(Locale.ROOT, "%nlistener share (every %s steps): wall %.3f%% (listener %.1f us per step,"
                            + " fit %.3f ms per step), thread CPU %.3f%% (listener %.1f us, fit %.3f ms), %d steps%n",
                    listener, 100.0 * timed.nanos / fitNanos, timed.nanos / 1e3 / fits, fitNanos / 1e6 / fits,
                    100.0 * timed.cpuNanos / fitCpuNanos, timed.cpuNanos / 1e3 / fits, fitCpuNanos / 1e6 / fits,
                    fits);
        }
    }

    @Benchmark
    public ComputationGraph fitOneMinibatch() {
        long t = System.nanoTime();
        long c = CPU.getCurrentThreadCpuTime();
        graph.fit(batches.get(next));
        fitCpuNanos += CPU.getCurrentThreadCpuTime() - c;
        fitNanos += System.nanoTime() - t;
        fits++;
        next = (next + 1) % MINIBATCHES;
        return graph;
    }

    /** Delegates to a listener and adds up the time spent in its hooks. */
    static final class TimedListener extends BaseTrainingListener {
        private final SaturationListener delegate;
        long nanos;
        long cpuNanos;

        TimedListener(SaturationListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onForwardPass(Model model, Map<String, INDArray> activations) {
            long t = System.nanoTime();
            long c = CPU.getCurrentThreadCpuTime();
            delegate.onForwardPass(model, activations);
            cpuNanos += CPU.getCurrentThreadCpuTime() - c;
            nanos += System.nanoTime() - t;
        }

        @Override
        public void onBackwardPass(Model model) {
            long t = System.nanoTime();
            long c = CPU.getCurrentThreadCpuTime();
            delegate.onBackwardPass(model);
            cpuNanos += CPU.getCurrentThreadCpuTime() - c;
            nanos += System.nanoTime() - t;
        }
    }
}

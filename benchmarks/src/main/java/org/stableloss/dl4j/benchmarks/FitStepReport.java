package org.stableloss.dl4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs a fit-step benchmark ({@link FitStepBenchmark} or {@link TagModelTrainingBenchmark}) for the three peers
 * interleaved: in each round, one JMH fork per shape and peer, in turn, so that a slow spell of a shared machine
 * hits all peers alike (the peers are {@link FitStepBenchmark#lossOf}'s). A fork's figure is the median of its measured iterations (robust to one disturbed
 * iteration); each peer keeps its best round. Prints a Markdown table of step times, the step-time ratio
 * LossSkipGram / LossBinaryXENT, and each loss's own share of the step (its step minus the floor step).
 *
 * <pre>
 *   FitStepReport [--benchmark FitStepBenchmark|TagModelTrainingBenchmark] [--shapes 256x6,256x1024,...]
 *                 [--dtype FLOAT] [--rounds 3] [--jvm /path/to/bin/java] [--vector true|false]
 *                 [--warmup 3] [--iterations 5]
 * </pre>
 * {@code --jvm} selects the forks' JDK (default: the running one); {@code --vector} adds
 * {@code --add-modules=jdk.incubator.vector} to the forks (default true). {@code benchmarks/run.sh --fit-step} runs it.
 */
public final class FitStepReport {

    private static final String[] PEERS = {"LossSkipGram", "LossBinaryXENT", "mse", "floor"};

    private FitStepReport() {
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * @param args see the class comment
     * @throws RunnerException when JMH fails
     */
    public static void main(String[] args) throws RunnerException {
        Map<String, String> opt = new LinkedHashMap<>(Map.of("--benchmark", "FitStepBenchmark",
                "--shapes", "256x6,256x1024,2048x1024,4096x1024", "--dtype", "FLOAT", "--rounds", "3",
                "--jvm", "", "--vector", "true", "--warmup", "3", "--iterations", "5"));
        for (int i = 0; i < args.length; i += 2) {
            if (!opt.containsKey(args[i]) || i + 1 == args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i]
                        + "; options: " + opt.keySet());
            }
            opt.put(args[i], args[i + 1]);
        }
        String benchmark = opt.get("--benchmark");
        boolean tagModel = benchmark.equals(TagModelTrainingBenchmark.class.getSimpleName());
        String[] shapes = tagModel ? new String[] {"256x6"} : opt.get("--shapes").split(",");
        int rounds = Integer.parseInt(opt.get("--rounds"));
        Map<String, double[]> best = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (String shape : shapes) {
                for (String peer : PEERS) {
                    ChainedOptionsBuilder b = new OptionsBuilder()
                            .include("\\." + benchmark + "\\.")
                            .param("loss", peer).forks(1)
                            .warmupIterations(Integer.parseInt(opt.get("--warmup")))
                            .warmupTime(TimeValue.seconds(1))
                            .measurementIterations(Integer.parseInt(opt.get("--iterations")))
                            .measurementTime(TimeValue.seconds(1))
                            .shouldFailOnError(true).verbosity(VerboseMode.SILENT);
                    if (!tagModel) {
                        b.param("shape", shape).param("dtype", opt.get("--dtype"));
                    }
                    if (!opt.get("--jvm").isEmpty()) {
                        b.jvm(opt.get("--jvm"));
                    }
                    List<String> jvmArgs = new ArrayList<>(List.of("-Xmx4g"));
                    if (Boolean.parseBoolean(opt.get("--vector"))) {
                        jvmArgs.add("--add-modules=jdk.incubator.vector");
                    }
                    b.jvmArgs(jvmArgs.toArray(String[]::new));
                    RunResult r = new Runner(b.build()).runSingle();
                    double ms = median(r.getBenchmarkResults().stream()
                            .flatMap(result -> result.getIterationResults().stream())
                            .mapToDouble(i -> i.getPrimaryResult().getScore()).toArray());
                    System.err.printf(Locale.ROOT, "round %d %s %s: %.3f ms%n", round, shape, peer, ms);
                    double[] times = best.computeIfAbsent(shape, s -> {
                        double[] t = new double[PEERS.length];
                        Arrays.fill(t, Double.MAX_VALUE);
                        return t;
                    });
                    int p = List.of(PEERS).indexOf(peer);
                    times[p] = Math.min(times[p], ms);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s, %s, %d rounds, best fork median of each; forks: %s, vector module %s%n%n",
                benchmark, tagModel ? "tag model" : opt.get("--dtype"), rounds,
                opt.get("--jvm").isEmpty() ? System.getProperty("java.home") : opt.get("--jvm"),
                opt.get("--vector"));
        System.out.println("| shape | LossSkipGram ms | LossBinaryXENT ms | MSE ms | floor ms | step ratio | "
                + "LossSkipGram share ms | LossBinaryXENT share ms | share ratio |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, double[]> e : best.entrySet()) {
            double[] t = e.getValue();
            double sg = t[0] - t[3];
            double xe = t[1] - t[3];
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                    e.getKey(), t[0], t[1], t[2], t[3], t[0] / t[1], sg, xe, sg / xe);
        }
    }
}

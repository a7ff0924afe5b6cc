package org.stableloss.dl4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler for ND4J's off-heap allocations, which JMH's {@code gc} profiler cannot see: the fresh memory a
 * benchmark touches per operation, as the process's minor page faults (Linux {@code /proc/self/stat}, field 10)
 * times the 4 KiB page size, divided by the operations of the iteration. Newly allocated off-heap arrays fault in
 * page by page on first touch; memory reused from a workspace or from the allocator's free lists does not. Use with
 * {@code -prof org.stableloss.dl4j.benchmarks.FreshPagesProfiler}; Linux only.
 */
public final class FreshPagesProfiler implements InternalProfiler {

    private static final double PAGE_BYTES = 4096;
    private long faultsBefore;

    @Override
    public String getDescription() {
        return "fresh off-heap memory touched per op: minor page faults x 4 KiB (Linux /proc/self/stat)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        faultsBefore = minorFaults();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
                                                       IterationParams iterationParams, IterationResult result) {
        long faults = minorFaults() - faultsBefore;
        long ops = Math.max(1, result.getMetadata().getMeasuredOps());
        return List.of(new ScalarResult("fresh.pages.bytes.norm", faults * PAGE_BYTES / ops, "B/op",
                AggregationPolicy.AVG));
    }

    private static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields after the command name (which is in parentheses and may contain spaces): state is field 3.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException e) {
            throw new UncheckedIOException("FreshPagesProfiler needs Linux /proc/self/stat", e);
        }
    }
}

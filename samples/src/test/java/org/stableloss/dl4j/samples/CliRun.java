package org.stableloss.dl4j.samples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of a sample's entry point ({@code run(String[], PrintStream, PrintStream)}) with its output captured.
 *
 * @param rc  the exit code
 * @param out what it printed to standard output
 * @param err what it printed to standard error
 */
record CliRun(int rc, String out, String err) {

    /** A sample's {@code run} method. */
    @FunctionalInterface
    interface EntryPoint {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    static CliRun of(EntryPoint entryPoint, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = entryPoint.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

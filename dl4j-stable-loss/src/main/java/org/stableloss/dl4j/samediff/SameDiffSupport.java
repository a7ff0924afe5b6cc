package org.stableloss.dl4j.samediff;

import java.io.OutputStream;
import java.io.PrintStream;

import org.nd4j.autodiff.samediff.SameDiff;

/** Works around ND4J 1.0.0-M2.1's SameDiff for graphs built with {@link SkipGramSameDiff}. */
public final class SameDiffSupport {

    private SameDiffSupport() {
    }

    /**
     * {@code sd.createGradFunction()} with {@code System.out} silenced: M2.1 prints a line to it per op while it builds
     * the gradient graph. Call it once the loss is marked; {@code fit} and {@code calculateGradients} then reuse the
     * graph instead of building it (loudly) on their first call.
     *
     * @param sd the graph, its loss variables already marked
     */
    public static void createGradFunctionQuietly(SameDiff sd) {
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(stdout);
        }
    }
}

package org.stableloss.dl4j;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The training behaviour again on the portable ND4J path (the one CUDA runs), the CPU fast path switched off. */
class LossSkipGramTrainingPortableTest extends LossSkipGramTrainingTest {

    private static String saved;

    @BeforeAll
    static void portablePath() {
        saved = System.getProperty(FastPath.PROPERTY);
        System.setProperty(FastPath.PROPERTY, "false");
    }

    @AfterAll
    static void restorePath() {
        if (saved == null) {
            System.clearProperty(FastPath.PROPERTY);
        } else {
            System.setProperty(FastPath.PROPERTY, saved);
        }
    }
}

package org.stableloss.dl4j;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The whole contract again on the portable ND4J path (the one CUDA runs), with the CPU fast path switched off. */
class LossSkipGramContractPortableTest extends LossSkipGramContractTest {

    @BeforeAll
    static void portablePath() {
        System.setProperty(FastPath.PROPERTY, "false");
    }

    @AfterAll
    static void restore() {
        System.clearProperty(FastPath.PROPERTY);
    }
}

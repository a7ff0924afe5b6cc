package org.stableloss.dl4j;

import org.junit.jupiter.api.extension.ExtendWith;

/** {@link LossSkipGramGradientCheckTest} again on the portable ND4J path (the one CUDA runs). */
@ExtendWith(PortablePath.class)
class LossSkipGramGradientCheckPortableTest extends LossSkipGramGradientCheckTest {
}

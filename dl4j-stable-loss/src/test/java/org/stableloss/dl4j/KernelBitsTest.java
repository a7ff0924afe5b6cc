package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Reproducibility of the host path: the scalar loops ({@link ScalarKernels}, which C2 vectorizes) and the vector
 * kernels ({@link VectorKernels}) give the same bits as {@link SkipGramScalar}'s per-element methods, on the first
 * call and after the JIT has compiled them, and the same bits as a JVM that only interprets ({@code -Xint}).
 * Inputs cover both tails (to +-800, where the exponential is subnormal or 0), 0, subnormal and infinite logits,
 * NaN, hard and soft labels, scales including 0, the exact and the clamped mode and class weights.
 */
class KernelBitsTest {

    private static final int N = FastPath.CHUNK - 3;
    private static final int WARM_UP = 3000;

    /** The test's inputs, the same in every JVM. */
    static final class Inputs {
        final double[] x = new double[N];
        final double[] y = new double[N];
        final double[] scale = new double[N];

        Inputs() {
            Random r = new Random(42);
            for (int i = 0; i < N; i++) {
                double magnitude = Math.pow(10, -8 + 10.9 * r.nextDouble());
                x[i] = r.nextBoolean() ? magnitude : -magnitude;
                y[i] = switch (i % 4) {
                    case 0 -> 1;
                    case 1 -> 0.3;
                    default -> 0;
                };
                scale[i] = i % 7 == 0 ? 0 : 0.25 + r.nextDouble();
            }
            double[] special = {0, -0.0, Double.MIN_VALUE, -Double.MIN_NORMAL, 745.5, -744.4, 708.4,
                    Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 1e300, -36.7};
            System.arraycopy(special, 0, x, 3, special.length);
        }
    }

    static List<SkipGramKernels.KernelParams> params() {
        return List.of(new LossSkipGram().kernelParams(),
                LossSkipGram.builder().clamped(1e-4).build().kernelParams(),
                LossSkipGram.builder().positiveWeight(2.5).negativeWeight(0.7).build().kernelParams());
    }

    /** A digest of the loss and gradient bits of every output combination, every parameter set, with scales. */
    static long digest(HostKernels kernels) {
        Inputs in = new Inputs();
        long h = 17;
        double[] loss = new double[N];
        double[] grad = new double[N];
        double[] work = new double[N];
        for (SkipGramKernels.KernelParams p : params()) {
            for (double[] scale : new double[][] {null, in.scale}) {
                for (int what = 0; what < 3; what++) {
                    kernels.compute(in.x, in.y, scale, N, p, what != 1 ? loss : null, what != 0 ? grad : null, work);
                    for (int i = 0; i < N; i++) {
                        h = 31 * h + (what != 1 ? Double.doubleToLongBits(loss[i]) : 0);
                        h = 31 * h + (what != 0 ? Double.doubleToLongBits(grad[i]) : 0);
                    }
                }
            }
        }
        return h;
    }

    /** The same digest from {@link SkipGramScalar}'s per-element methods. */
    static long perElementDigest() {
        Inputs in = new Inputs();
        long h = 17;
        for (SkipGramKernels.KernelParams p : params()) {
            for (double[] scale : new double[][] {null, in.scale}) {
                for (int what = 0; what < 3; what++) {
                    for (int i = 0; i < N; i++) {
                        double s = scale == null ? 1.0 : scale[i];
                        h = 31 * h + (what != 1 ? Double.doubleToLongBits(SkipGramScalar.loss(in.x[i], in.y[i], s, p))
                                : 0);
                        h = 31 * h + (what != 0
                                ? Double.doubleToLongBits(SkipGramScalar.gradient(in.x[i], in.y[i], s, p)) : 0);
                    }
                }
            }
        }
        return h;
    }

    /** The loops' first and compiled results against the per-element methods, element by element. */
    private static void assertSameBitsColdAndWarm(HostKernels kernels) {
        long expected = perElementDigest();
        assertEquals(expected, digest(kernels), kernels.getClass().getSimpleName() + ", first calls");
        Inputs in = new Inputs();
        double[] loss = new double[N];
        double[] grad = new double[N];
        double[] work = new double[N];
        SkipGramKernels.KernelParams p = params().get(0);
        for (int i = 0; i < WARM_UP; i++) {
            kernels.compute(in.x, in.y, in.scale, N, p, i % 3 != 1 ? loss : null, i % 3 != 0 ? grad : null, work);
        }
        assertEquals(expected, digest(kernels), kernels.getClass().getSimpleName() + ", after " + WARM_UP + " calls");
        kernels.compute(in.x, in.y, in.scale, N, p, loss, grad, work);
        for (int i = 0; i < N; i += 7) {
            double s = in.scale[i];
            assertEquals(Double.doubleToLongBits(SkipGramScalar.loss(in.x[i], in.y[i], s, p)),
                    Double.doubleToLongBits(loss[i]), "loss at x=" + in.x[i]);
            assertEquals(Double.doubleToLongBits(SkipGramScalar.gradient(in.x[i], in.y[i], s, p)),
                    Double.doubleToLongBits(grad[i]), "gradient at x=" + in.x[i]);
        }
    }

    @Test
    void scalarLoopsGiveThePerElementBitsBeforeAndAfterCompilation() {
        assertSameBitsColdAndWarm(ScalarKernels.INSTANCE);
    }

    @Test
    void vectorKernelsGiveThePerElementBitsBeforeAndAfterCompilation() {
        assumeTrue(FastPath.vectorized(), "the test JVM runs without --add-modules jdk.incubator.vector");
        assertSameBitsColdAndWarm(VectorKernels.INSTANCE);
    }

    @Test
    void anInterpretingJvmGivesTheSameBits() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xint"));
        if (FastPath.vectorized()) {
            cmd.add("--add-modules=jdk.incubator.vector");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelBitsMain.class.getName()));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, proc.waitFor(5, TimeUnit.MINUTES), "the -Xint JVM finished");
        assertEquals(0, proc.exitValue(), out);
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        long expected = perElementDigest();
        long[] warm = {digest(ScalarKernels.INSTANCE), FastPath.vectorized() ? digest(VectorKernels.INSTANCE) : 0};
        assertEquals(expected + " " + warm[0] + " " + warm[1], last,
                "-Xint digests (per element, scalar loops, vector kernels) vs this JVM's; JVM args "
                        + ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
}

package org.stableloss.dl4j;

/** Prints {@link KernelBitsTest}'s digests (per element, scalar loops, vector kernels or 0), for a forked JVM. */
final class KernelBitsMain {

    private KernelBitsMain() {
    }

    public static void main(String[] args) {
        long vector = FastPath.vectorized() ? KernelBitsTest.digest(VectorKernels.INSTANCE) : 0;
        System.out.println(KernelBitsTest.perElementDigest() + " " + KernelBitsTest.digest(ScalarKernels.INSTANCE) + " "
                + vector);
    }
}

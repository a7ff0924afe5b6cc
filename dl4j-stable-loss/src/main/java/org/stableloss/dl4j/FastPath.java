package org.stableloss.dl4j;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Decides whether a call may take the CPU fast path ({@link VectorKernels}) and runs it. The fast path applies
 * when all of these hold, and the portable ND4J path ({@link SkipGramKernels}) runs otherwise:
 * <ul>
 *   <li>the JVM was started with {@code --add-modules jdk.incubator.vector};</li>
 *   <li>the ND4J backend is the CPU one (never on CUDA);</li>
 *   <li>logits, labels, mask and gradient are FLOAT, or all DOUBLE, plain contiguous C-order buffers;</li>
 *   <li>the system property {@value #PROPERTY} is not {@code false}.</li>
 * </ul>
 * Both paths implement the same formulas and meet the same accuracy bounds; the tests run both.
 */
final class FastPath {

    /** Set to {@code false} to force the portable ND4J path. */
    static final String PROPERTY = "org.stableloss.dl4j.fastPath";

    private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private FastPath() {
    }

    /** True when the vector module is there and the property allows it (the arrays are checked separately). */
    static boolean available() {
        return VECTOR_MODULE && !"false".equalsIgnoreCase(System.getProperty(PROPERTY))
                && Nd4j.getEnvironment().isCPU();
    }

    static boolean applies(INDArray labels, INDArray preOutput, INDArray mask) {
        DataType dt = preOutput.dataType();
        if (!available() || (dt != DataType.FLOAT && dt != DataType.DOUBLE) || labels.dataType() != dt
                || (mask != null && mask.dataType() != dt)) {
            return false;
        }
        return plain(preOutput) && plain(labels) && (mask == null || plain(mask))
                && preOutput.length() * dt.width() < Integer.MAX_VALUE;
    }

    private static boolean plain(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) && a.offset() == 0
                && a.data().offset() == 0 && a.data().length() >= a.length();
    }

    /**
     * @param scoresOut   [mb, 1] per-example scores, or null
     * @param gradientOut dL/dx, or null
     * @return the total score
     */
    static double evaluate(INDArray labels, INDArray preOutput, INDArray mask, SkipGramKernels.KernelParams p,
                           INDArray scoresOut, INDArray gradientOut) {
        int rows = (int) preOutput.size(0);
        double[] rowScores = new double[rows];
        INDArray gradient = gradientOut == null || plain(gradientOut) ? gradientOut : preOutput.ulike().dup('c');
        long[] bad = VectorKernels.evaluate(preOutput, labels, mask, p, rowScores, gradient);
        if (bad != null) {
            long cols = preOutput.size(1);
            throw LossInputs.badLabels(bad[0], bad[1], labels.shape(),
                    labels.getDouble(bad[1] / cols, bad[1] % cols));
        }
        if (gradient != gradientOut) {
            gradientOut.assign(gradient);
        }
        double total = 0;
        for (double s : rowScores) {
            total += s;
        }
        if (scoresOut != null) {
            scoresOut.assign(Nd4j.createFromArray(rowScores).reshape(rows, 1));
        }
        return total;
    }
}

package org.stableloss.dl4j;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU host path: the loss computed in Java over the arrays' host memory, in double precision with
 * {@link HostMath}'s arithmetic {@code exp} and {@code log1p}, with no ND4J op dispatch and no temporaries off the
 * Java heap. It applies when all of these hold, and the portable ND4J path ({@link SkipGramKernels}) runs otherwise:
 * <ul>
 *   <li>the ND4J backend is the CPU one (never on CUDA);</li>
 *   <li>logits, labels and mask are each FLOAT or DOUBLE, plain contiguous C-order buffers;</li>
 *   <li>the system property {@value #PROPERTY} is not {@code false}.</li>
 * </ul>
 * When the JVM has the vector module ({@code --add-modules jdk.incubator.vector}) the vector kernels
 * ({@link VectorKernels}) compute calls of at least {@value #VECTOR_THRESHOLD} elements, else plain Java loops that
 * the JIT vectorizes by itself ({@link ScalarKernels}), which beat the ND4J ops at every size measured
 * (docs/performance.md); both give the same bits. With
 * {@value #PROPERTY}{@code =scalar} the plain loops run also where the vector module is present.
 *
 * <p>The arrays are read in chunks of {@value #CHUNK} elements into per-thread heap scratch arrays, computed there
 * and the gradient written back, so a call makes no Java heap garbage proportional to its size. Labels are
 * validated in the same pass. Large calls are split by rows over {@link HostThreads}. Results are rounded once to
 * the output dtype; sums are accumulated in double in row order, whatever the thread count.
 */
final class FastPath {

    /** Set to {@code false} to force the portable ND4J path, or to {@code scalar} to force the scalar host loops. */
    static final String PROPERTY = "org.stableloss.dl4j.fastPath";
    /**
     * With the vector module, calls with fewer elements than this still take the scalar loops: the vector API runs
     * each lane operation as a boxed call until C2 has compiled a loop, which the few small calls of a training
     * step reach only after many steps, while plain loops run well from the start (same bits either way).
     */
    static final long VECTOR_THRESHOLD = 1 << 14;
    /** Elements copied to the heap scratch arrays at a time. */
    static final int CHUNK = 1024;

    private static final Logger log = LoggerFactory.getLogger(FastPath.class);
    private static final boolean VECTOR_MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final AtomicBoolean HINT_LOGGED = new AtomicBoolean();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private FastPath() {
    }

    /** True when the JVM has the vector module, so that the vector kernels compute the host path. */
    static boolean vectorized() {
        return VECTOR_MODULE;
    }

    /** True when a call of this many elements takes the vector kernels. */
    static boolean vectorKernels(long elements) {
        return VECTOR_MODULE && !scalarForced() && elements >= VECTOR_THRESHOLD;
    }

    /** True when the property forces the scalar host loops. */
    private static boolean scalarForced() {
        return "scalar".equalsIgnoreCase(System.getProperty(PROPERTY));
    }

    /** True when the backend is the CPU one and the property allows the host path. */
    static boolean available() {
        if (!Nd4j.getEnvironment().isCPU() || "false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
            return false;
        }
        if (!VECTOR_MODULE && HINT_LOGGED.compareAndSet(false, true)) {
            log.info("LossSkipGram: the JDK vector module is not loaded, so the loss runs plain Java loops; start"
                    + " the JVM with --add-modules jdk.incubator.vector for its vector kernels, which give the same"
                    + " results faster (docs/performance.md)");
        }
        return true;
    }

    /** True when this call takes the host path (see the class comment). */
    static boolean applies(INDArray labels, INDArray preOutput, INDArray mask) {
        return available() && hostReadable(preOutput) && hostReadable(labels)
                && (mask == null || hostReadable(mask));
    }

    private static boolean hostReadable(INDArray a) {
        DataType dt = a.dataType();
        return (dt == DataType.FLOAT || dt == DataType.DOUBLE) && a.ordering() == 'c'
                && Shape.hasDefaultStridesForShape(a) && a.offset() == 0 && a.data().offset() == 0
                && a.data().length() >= a.length() && a.length() * dt.width() < Integer.MAX_VALUE;
    }

    /**
     * Runs one call on the host path. Arguments are already checked; the arrays are not empty.
     *
     * @param score       true to compute the loss sum
     * @param rowScores   per-row loss sums, length mb (written), or null
     * @param gradientOut dL/dx in the logits' dtype and shape (written), or null
     * @return the total loss, summed in double in row order; 0 when neither {@code score} nor {@code rowScores}
     * @throws IllegalArgumentException when an unmasked label lies outside [0, 1] or is NaN
     */
    static double evaluate(INDArray labels, INDArray preOutput, INDArray mask, SkipGramKernels.KernelParams p,
                           boolean score, double[] rowScores, INDArray gradientOut) {
        int rows = Math.toIntExact(preOutput.size(0));
        int cols = Math.toIntExact(preOutput.size(1));
        INDArray gradient = gradientOut == null || hostReadable(gradientOut) ? gradientOut
                : Nd4j.createUninitializedDetached(preOutput.dataType(), preOutput.shape());
        Call call = new Call(Host.of(preOutput), Host.of(labels), mask == null ? null : Host.of(mask),
                mask != null && mask.size(1) == 1 && cols != 1, p, score || rowScores != null, rowScores,
                gradient == null ? null : Host.of(gradient), rows, cols,
                vectorKernels((long) rows * cols) ? VectorKernels.INSTANCE : ScalarKernels.INSTANCE);
        long elements = (long) rows * cols;
        int rowsPerTask = (int) Math.max(1, Math.min(rows, HostThreads.TASK_ELEMENTS / cols));
        int tasks = elements < HostThreads.PARALLEL_THRESHOLD ? 1 : (rows + rowsPerTask - 1) / rowsPerTask;
        int perTask = tasks == 1 ? rows : rowsPerTask;
        double[] taskSums = SCRATCH.get().taskSums(tasks);
        long[][] bad = new long[1][];
        HostThreads.run(tasks, t -> {
            int r0 = t * perTask;
            long[] b = call.rows(r0, Math.min(rows, r0 + perTask), taskSums, t);
            if (b != null) {
                synchronized (bad) {
                    if (bad[0] == null || b[1] < bad[0][1]) {
                        bad[0] = new long[] {b[0] + (bad[0] == null ? 0 : bad[0][0]), b[1]};
                    } else {
                        bad[0][0] += b[0];
                    }
                }
            }
        });
        if (bad[0] != null) {
            long first = bad[0][1];
            throw LossInputs.badLabels(bad[0][0], first, labels.shape(), labels.getDouble(first / cols, first % cols));
        }
        if (gradient != gradientOut) {
            gradientOut.assign(gradient);
        }
        double total = 0;
        for (int t = 0; t < tasks; t++) {
            total += taskSums[t];
        }
        return total;
    }

    /** A host view of one array: its dtype's buffer over the whole array, in native byte order. */
    private record Host(FloatBuffer floats, DoubleBuffer doubles) {

        static Host of(INDArray a) {
            var bytes = a.data().asNio().order(ByteOrder.nativeOrder());
            return a.dataType() == DataType.FLOAT ? new Host(bytes.asFloatBuffer(), null)
                    : new Host(null, bytes.asDoubleBuffer());
        }

        /** Copies {@code n} elements from flat index {@code from} into {@code dst} (via {@code tmp} for FLOAT). */
        void read(long from, int n, double[] dst, float[] tmp) {
            int i = (int) from;
            if (floats != null) {
                floats.get(i, tmp, 0, n);
                for (int k = 0; k < n; k++) {
                    dst[k] = tmp[k];
                }
            } else {
                doubles.get(i, dst, 0, n);
            }
        }

        /** The element at flat index {@code i}. */
        double get(long i) {
            return floats != null ? floats.get((int) i) : doubles.get((int) i);
        }

        /** Writes {@code n} elements of {@code src}, rounded to the dtype, from flat index {@code from}. */
        void write(long from, int n, double[] src, float[] tmp) {
            int i = (int) from;
            if (floats != null) {
                for (int k = 0; k < n; k++) {
                    tmp[k] = (float) src[k];
                }
                floats.put(i, tmp, 0, n);
            } else {
                doubles.put(i, src, 0, n);
            }
        }
    }

    /** Per-thread heap scratch: one chunk of each operand and result, and the caller's per-task sums. */
    private static final class Scratch {
        final double[] x = new double[CHUNK];
        final double[] y = new double[CHUNK];
        final double[] scale = new double[CHUNK];
        final double[] loss = new double[CHUNK];
        final double[] gradient = new double[CHUNK];
        final double[] work = new double[CHUNK];
        final float[] tmp = new float[CHUNK];
        private double[] taskSums = new double[16];

        double[] taskSums(int tasks) {
            if (taskSums.length < tasks) {
                taskSums = new double[Math.max(tasks, 2 * taskSums.length)];
            }
            return taskSums;
        }
    }

    /** One call's operands and outputs. */
    private record Call(Host x, Host y, Host mask, boolean maskPerRow, SkipGramKernels.KernelParams p,
                        boolean score, double[] rowScores, Host gradient, int rows, int cols,
                        HostKernels kernels) {

        /**
         * Rows [r0, r1): reads, validates, computes and writes chunk by chunk; stores the loss sum in
         * {@code taskSums[t]}.
         *
         * @return {bad label count, first bad flat index}, or null
         */
        long[] rows(int r0, int r1, double[] taskSums, int t) {
            Scratch s = SCRATCH.get();
            double[] w = p.outputWeights();
            boolean scaled = mask != null || w != null;
            long end = (long) r1 * cols;
            double sum = 0;
            long badCount = 0;
            long firstBad = -1;
            for (long from = (long) r0 * cols; from < end; from += CHUNK) {
                int n = (int) Math.min(CHUNK, end - from);
                x.read(from, n, s.x, s.tmp);
                y.read(from, n, s.y, s.tmp);
                if (mask != null && !maskPerRow) {
                    mask.read(from, n, s.scale, s.tmp);
                }
                long bad = scaled ? prepareScaled(s, from, n, w) : validate(s.y, n);
                if (bad != 0) {
                    badCount += bad;
                    if (firstBad < 0) {
                        firstBad = from + firstBad(s.y, n);
                    }
                    continue;
                }
                kernels.compute(s.x, s.y, scaled ? s.scale : null, n, p, score ? s.loss : null,
                        gradient == null ? null : s.gradient, s.work);
                if (gradient != null) {
                    gradient.write(from, n, s.gradient, s.tmp);
                }
                if (score) {
                    sum += sumLoss(s.loss, from, n);
                }
            }
            taskSums[t] = sum;
            return badCount == 0 ? null : new long[] {badCount, firstBad};
        }

        /** Sums a chunk's losses, also into the per-row sums when they are wanted. */
        private double sumLoss(double[] loss, long from, int n) {
            double sum = 0;
            if (rowScores == null) {
                for (int k = 0; k < n; k++) {
                    sum += loss[k];
                }
                return sum;
            }
            int row = (int) (from / cols);
            int col = (int) (from % cols);
            double rowSum = 0;
            for (int k = 0; k < n; k++) {
                rowSum += loss[k];
                if (++col == cols) {
                    rowScores[row++] += rowSum;
                    sum += rowSum;
                    rowSum = 0;
                    col = 0;
                }
            }
            if (col != 0) {
                rowScores[row] += rowSum;
                sum += rowSum;
            }
            return sum;
        }

        /**
         * Folds the mask (already in {@code s.scale} when per output) and the per-output weights into
         * {@code s.scale}; zeroes logit, label and scale of masked-out entries, so that whatever they held cannot
         * reach the result; counts the unmasked labels outside [0, 1] or NaN.
         */
        private long prepareScaled(Scratch s, long from, int n, double[] w) {
            int row = (int) (from / cols);
            int col = (int) (from % cols);
            double rowMask = maskPerRow ? mask.get(row) : 1.0;
            long bad = 0;
            for (int k = 0; k < n; k++) {
                double m = maskPerRow ? rowMask : mask == null ? 1.0 : s.scale[k];
                if (m == 0) {
                    s.x[k] = 0;
                    s.y[k] = 0;
                    s.scale[k] = 0;
                } else {
                    double label = s.y[k];
                    bad += label >= 0 && label <= 1 ? 0 : 1;
                    s.scale[k] = w == null ? m : m * w[col];
                }
                if (++col == cols) {
                    col = 0;
                    if (maskPerRow && k + 1 < n) {
                        rowMask = mask.get(++row);
                    }
                }
            }
            return bad;
        }
    }

    /** The index of the first label outside [0, 1] or NaN (masked-out labels are 0 by then); -1 if none. */
    private static int firstBad(double[] y, int n) {
        for (int k = 0; k < n; k++) {
            if (!(y[k] >= 0 && y[k] <= 1)) {
                return k;
            }
        }
        return -1;
    }

    /** Counts labels outside [0, 1] or NaN. */
    private static long validate(double[] y, int n) {
        long bad = 0;
        for (int k = 0; k < n; k++) {
            double label = y[k];
            bad += label >= 0 && label <= 1 ? 0 : 1;
        }
        return bad;
    }
}

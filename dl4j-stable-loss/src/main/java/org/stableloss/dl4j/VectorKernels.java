package org.stableloss.dl4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.IntStream;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The CPU fast path: the same formulas as {@link SkipGramKernels} in one fused pass over host memory, in double
 * precision lanes of the JDK's vector API (SVML {@code exp}/{@code log1p} on x86), split over the common
 * fork-join pool by rows. Only reached through {@link FastPath}, which checks that the vector module is present,
 * that the backend is the CPU one and that the arrays are plain contiguous FLOAT or DOUBLE buffers.
 *
 * <p>Per element, with {@code e = exp(-|x|)}, {@code a = (1 - y) wNeg w[j]} and {@code b = y wPos w[j]}:
 * <pre>
 *   loss = a * (max(x, 0) + log1p(e)) + b * (max(-x, 0) + log1p(e))
 *   grad = a * sigmoid(x) - b * sigmoid(-x),   sigmoid(+-|x|) = 1 / (1 + e), e / (1 + e)
 * </pre>
 * A term whose weight is 0 contributes exactly 0 (also at an infinite logit); in the clamped mode each softplus is
 * clamped to [lo, hi] and the gradient is 0 where {@code |x| >= clampLogit}. Results are rounded once to the output
 * dtype, so FLOAT results are within about half an ulp; loss sums are accumulated in double, per row and then over
 * rows in row order (deterministic whatever the thread count).
 */
final class VectorKernels {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorShape.forBitSize(D.vectorBitSize() / 2).withLanes(float.class);
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Below this many elements the work stays on the calling thread. */
    private static final long PARALLEL_THRESHOLD = 1 << 16;

    private VectorKernels() {
    }

    /**
     * @param logits    [mb, n], FLOAT or DOUBLE, contiguous C order
     * @param labels    [mb, n], same dtype and layout
     * @param mask      null, [mb, 1] or [mb, n] in the same dtype and layout
     * @param p         the loss parameters
     * @param rowScores per-row loss sums, length mb (written)
     * @param gradient  [mb, n] in the logits' dtype and layout, or null
     * @return the count of bad labels (unmasked, outside [0, 1] or NaN) and the flat index of the first, or null
     */
    static long[] evaluate(INDArray logits, INDArray labels, INDArray mask, SkipGramKernels.KernelParams p,
                           double[] rowScores, INDArray gradient) {
        int rows = (int) logits.size(0);
        int cols = (int) logits.size(1);
        boolean isFloat = logits.dataType() == DataType.FLOAT;
        Buffers b = new Buffers(isFloat, view(logits), view(labels), mask == null ? null : view(mask),
                mask != null && mask.size(1) == 1 && cols != 1, gradient == null ? null : view(gradient));
        double[] w = p.outputWeights() == null ? null : p.outputWeights();
        long[][] bad = new long[rows][];
        IntStream range = IntStream.range(0, rows);
        if ((long) rows * cols >= PARALLEL_THRESHOLD) {
            range = range.parallel();
        }
        range.forEach(r -> bad[r] = row(b, r, cols, w, p, rowScores));
        long count = 0;
        long first = -1;
        for (long[] rowBad : bad) {
            if (rowBad != null) {
                if (first < 0) {
                    first = rowBad[1];
                }
                count += rowBad[0];
            }
        }
        return count == 0 ? null : new long[] {count, first};
    }

    /** A private view of the array's host memory in native byte order (absolute access only). */
    private static ByteBuffer view(INDArray array) {
        return array.data().asNio().duplicate().order(ORDER);
    }

    private record Buffers(boolean isFloat, ByteBuffer x, ByteBuffer y, ByteBuffer mask, boolean maskPerRow,
                           ByteBuffer grad) {
    }

    /** One row; returns {bad label count, first bad flat index} or null. */
    private static long[] row(Buffers b, int r, int cols, double[] w, SkipGramKernels.KernelParams p,
                              double[] rowScores) {
        long base = (long) r * cols;
        double rowMask = b.maskPerRow() ? get(b, b.mask(), base / cols) : Double.NaN;
        DoubleVector sum = DoubleVector.zero(D);
        long badCount = 0;
        long firstBad = -1;
        int c = 0;
        int upper = D.loopBound(cols);
        for (; c < upper; c += D.length()) {
            long i = base + c;
            DoubleVector x = load(b, b.x(), i);
            DoubleVector y = load(b, b.y(), i);
            DoubleVector m = b.mask() == null ? null
                    : b.maskPerRow() ? DoubleVector.broadcast(D, rowMask) : load(b, b.mask(), i);
            VectorMask<Double> live = m == null ? D.maskAll(true) : m.compare(VectorOperators.NE, 0.0);
            VectorMask<Double> badY = y.compare(VectorOperators.LT, 0.0).or(y.compare(VectorOperators.GT, 1.0))
                    .or(y.test(VectorOperators.IS_NAN)).and(live);
            if (badY.anyTrue()) {
                badCount += badY.trueCount();
                if (firstBad < 0) {
                    firstBad = i + badY.firstTrue();
                }
                continue;
            }
            DoubleVector wj = w == null ? DoubleVector.broadcast(D, 1.0) : DoubleVector.fromArray(D, w, c);
            DoubleVector a = y.neg().add(1.0).mul(p.negativeWeight()).mul(wj);
            DoubleVector bw = y.mul(p.positiveWeight()).mul(wj);
            DoubleVector ax = x.lanewise(VectorOperators.ABS);
            DoubleVector e = ax.neg().lanewise(VectorOperators.EXP);
            DoubleVector log1p = e.lanewise(VectorOperators.LOG1P);
            DoubleVector onePlusE = e.add(1.0);
            DoubleVector big = DoubleVector.broadcast(D, 1.0).div(onePlusE);
            DoubleVector small = e.div(onePlusE);
            VectorMask<Double> nonNegative = x.compare(VectorOperators.GE, 0.0);
            DoubleVector sigPos = small.blend(big, nonNegative);
            DoubleVector sigNeg = big.blend(small, nonNegative);
            DoubleVector spPos = x.max(0.0).add(log1p);
            DoubleVector spNeg = x.neg().max(0.0).add(log1p);
            if (p.clamped()) {
                spPos = spPos.max(p.clampLow()).min(p.clampHigh());
                spNeg = spNeg.max(p.clampLow()).min(p.clampHigh());
            }
            DoubleVector zero = DoubleVector.zero(D);
            DoubleVector loss = a.mul(spPos).blend(zero, a.compare(VectorOperators.EQ, 0.0))
                    .add(bw.mul(spNeg).blend(zero, bw.compare(VectorOperators.EQ, 0.0)));
            DoubleVector grad = a.mul(sigPos).sub(bw.mul(sigNeg));
            if (p.clamped()) {
                grad = grad.blend(zero, ax.compare(VectorOperators.GE, p.clampLogit()));
            }
            if (m != null) {
                VectorMask<Double> dead = live.not();
                loss = loss.mul(m).blend(zero, dead);
                grad = grad.mul(m).blend(zero, dead);
            }
            sum = sum.add(loss);
            if (b.grad() != null) {
                store(b, grad, i);
            }
        }
        double total = sum.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            long i = base + c;
            double m = b.mask() == null ? 1.0 : b.maskPerRow() ? rowMask : get(b, b.mask(), i);
            double y = get(b, b.y(), i);
            if (m == 0) {
                put(b, i, 0.0);
                continue;
            }
            if (!(y >= 0 && y <= 1)) {
                badCount++;
                if (firstBad < 0) {
                    firstBad = i;
                }
                continue;
            }
            double[] lg = scalar(get(b, b.x(), i), y, w == null ? 1.0 : w[c], p);
            total += lg[0] * m;
            put(b, i, lg[1] * m);
        }
        rowScores[r] = total;
        return badCount == 0 ? null : new long[] {badCount, firstBad};
    }

    /** The same formula for one element: {loss, gradient}. */
    private static double[] scalar(double x, double y, double wj, SkipGramKernels.KernelParams p) {
        double a = (1 - y) * p.negativeWeight() * wj;
        double bw = y * p.positiveWeight() * wj;
        double ax = Math.abs(x);
        double e = Math.exp(-ax);
        double log1p = Math.log1p(e);
        double big = 1 / (1 + e);
        double small = e / (1 + e);
        double spPos = Math.max(x, 0) + log1p;
        double spNeg = Math.max(-x, 0) + log1p;
        if (p.clamped()) {
            spPos = Math.min(Math.max(spPos, p.clampLow()), p.clampHigh());
            spNeg = Math.min(Math.max(spNeg, p.clampLow()), p.clampHigh());
        }
        double loss = (a == 0 ? 0 : a * spPos) + (bw == 0 ? 0 : bw * spNeg);
        double grad = x >= 0 ? a * big - bw * small : a * small - bw * big;
        if (p.clamped() && ax >= p.clampLogit()) {
            grad = 0;
        }
        return new double[] {loss, grad};
    }

    private static DoubleVector load(Buffers b, ByteBuffer buf, long i) {
        if (b.isFloat()) {
            return (DoubleVector) FloatVector.fromByteBuffer(F, buf, Math.toIntExact(i * 4), ORDER)
                    .convertShape(VectorOperators.F2D, D, 0);
        }
        return DoubleVector.fromByteBuffer(D, buf, Math.toIntExact(i * 8), ORDER);
    }

    private static void store(Buffers b, DoubleVector v, long i) {
        if (b.isFloat()) {
            ((FloatVector) v.convertShape(VectorOperators.D2F, F, 0))
                    .intoByteBuffer(b.grad(), Math.toIntExact(i * 4), ORDER);
        } else {
            v.intoByteBuffer(b.grad(), Math.toIntExact(i * 8), ORDER);
        }
    }

    private static double get(Buffers b, ByteBuffer buf, long i) {
        return b.isFloat() ? buf.getFloat(Math.toIntExact(i * 4)) : buf.getDouble(Math.toIntExact(i * 8));
    }

    private static void put(Buffers b, long i, double v) {
        if (b.grad() == null) {
            return;
        }
        if (b.isFloat()) {
            b.grad().putFloat(Math.toIntExact(i * 4), (float) v);
        } else {
            b.grad().putDouble(Math.toIntExact(i * 8), v);
        }
    }
}

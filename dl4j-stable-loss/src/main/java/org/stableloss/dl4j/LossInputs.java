package org.stableloss.dl4j;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.api.ops.impl.transforms.comparison.CompareAndReplace;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Condition;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The validated inputs of one {@link LossSkipGram} call: logits and labels in the working dtype, with masked-out
 * entries replaced by 0 so that whatever they held (NaN, infinities, labels out of range) cannot reach the result.
 *
 * <p>The working dtype is DOUBLE for DOUBLE logits and for soft labels (so that FLOAT, HALF and BFLOAT16 keep
 * relative accuracy where the two terms of the gradient cancel), and FLOAT otherwise.
 */
final class LossInputs {

    private final INDArray logits;
    private final INDArray labels;
    private final boolean hardLabels;
    private final INDArray mask;

    private LossInputs(INDArray logits, INDArray labels, boolean hardLabels, INDArray mask) {
        this.logits = logits;
        this.labels = labels;
        this.hardLabels = hardLabels;
        this.mask = mask;
    }

    /** Logits [mb, nOut] in the working dtype; may be the caller's array itself (never written). */
    INDArray logits() {
        return logits;
    }

    /** Labels [mb, nOut] in the working dtype; may be the caller's array itself (never written). */
    INDArray labels() {
        return labels;
    }

    /** True when every (unmasked) label is exactly 0 or 1. */
    boolean hardLabels() {
        return hardLabels;
    }

    /** Multiplies a [mb, nOut] working-dtype result by the mask in place; nothing without a mask. */
    void applyMask(INDArray result) {
        if (mask == null) {
            return;
        }
        if (mask.size(1) == 1 && result.size(1) != 1) {
            result.muliColumnVector(mask);
        } else {
            result.muli(mask);
        }
    }

    /**
     * Checks activation, dtypes, shapes, weights length and mask shape and values; throws
     * IllegalArgumentException naming the argument, what was expected and what was found.
     */
    static void checkArguments(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask,
                               double[] outputWeights) {
        Checks.checkArgument(activation instanceof ActivationIdentity || activation instanceof ActivationSigmoid,
                "activationFn must be IDENTITY or SIGMOID (LossSkipGram takes logits; a sigmoid is fused into the"
                        + " loss), got %s", activation);
        Checks.checkNotNull(preOutput, "preOutput");
        Checks.checkNotNull(labels, "labels");
        Checks.checkArgument(SkipGramKernels.isSupported(preOutput.dataType()),
                "preOutput must be FLOAT, DOUBLE, HALF or BFLOAT16, got %s", preOutput.dataType());
        Checks.checkArgument(labels.dataType().isFPType(),
                "labels must have a floating-point dtype, got %s", labels.dataType());
        Checks.checkArgument(preOutput.rank() == 2, "preOutput must be [minibatch, nOut], got shape %s",
                Checks.shape(preOutput));
        Checks.checkArgument(labels.equalShapes(preOutput),
                "labels and preOutput must have the same shape: labels %s, preOutput %s",
                Checks.shape(labels), Checks.shape(preOutput));
        long nOut = preOutput.size(1);
        if (outputWeights != null) {
            Checks.checkArgument(outputWeights.length == nOut,
                    "weights has %d entries but preOutput has %d outputs (shape %s)",
                    outputWeights.length, nOut, Checks.shape(preOutput));
        }
        if (mask != null) {
            checkMask(mask, preOutput);
        }
    }

    /**
     * Prepares already checked arguments: masks out entries, checks the label range, picks the working dtype.
     *
     * <p>Labels are checked with {@code h = y (1 - y)}, which is exactly 0 for y in {0, 1} (also for the smallest
     * subnormals, as neither factor rounds to 0), positive inside (0, 1), negative outside [0, 1] and NaN for NaN:
     * the labels are hard when the sum of {@code |h|} is 0, and valid when it is not NaN and {@code min(h) >= 0}.
     * That is two element-wise ops and one reduction for hard labels; the slow counting of bad values runs only to
     * word the exception.
     */
    static LossInputs prepare(INDArray labels, INDArray preOutput, INDArray mask) {
        INDArray maskedLabels = labels;
        INDArray maskedLogits = preOutput;
        if (mask != null) {
            maskedLabels = zeroWhereMasked(labels, mask);
            maskedLogits = zeroWhereMasked(preOutput, mask);
        }
        INDArray hardness = maskedLabels.rsub(1.0).muli(maskedLabels);
        double spread = hardness.norm1Number().doubleValue();
        boolean hard = spread == 0.0;
        if (!hard && (Double.isNaN(spread) || hardness.minNumber().doubleValue() < 0)) {
            checkLabelRange(maskedLabels);
        }
        DataType working = preOutput.dataType() == DataType.DOUBLE || !hard ? DataType.DOUBLE : DataType.FLOAT;
        INDArray workingMask = mask == null ? null : mask.castTo(working);
        return new LossInputs(maskedLogits.castTo(working), maskedLabels.castTo(working), hard, workingMask);
    }

    private static void checkMask(INDArray mask, INDArray preOutput) {
        long mb = preOutput.size(0);
        boolean perExample = mask.rank() == 2 && mask.size(0) == mb && mask.size(1) == 1;
        boolean perOutput = mask.equalShapes(preOutput);
        Checks.checkArgument(perExample || perOutput,
                "mask must be per example [%d, 1] or per output %s, got shape %s",
                mb, Checks.shape(preOutput), Checks.shape(mask));
        Checks.checkArgument(mask.dataType().isNumerical() && mask.dataType() != DataType.BOOL,
                "mask must be numeric, got %s", mask.dataType());
        if (mask.isEmpty()) {
            return;
        }
        if (mask.dataType().isFPType()) {
            INDArray m = mask.castTo(DataType.DOUBLE);
            if (m.minNumber().doubleValue() >= 0 && allFinite(m)) {
                return;
            }
            long bad = count(m, Conditions.lessThan(0)) + count(m, Conditions.notFinite());
            if (bad > 0) {
                throw new IllegalArgumentException(String.format(
                        "mask values must be finite and >= 0 (0 = masked out): %d bad values, the first at %s = %s",
                        bad, firstBad(m, Conditions.lessThan(0), Conditions.notFinite()),
                        valueAt(m, Conditions.lessThan(0), Conditions.notFinite())));
            }
        } else {
            long bad = count(mask.castTo(DataType.DOUBLE), Conditions.lessThan(0));
            Checks.checkArgument(bad == 0, "mask values must be >= 0 (0 = masked out): %d negative values", bad);
        }
    }

    private static void checkLabelRange(INDArray labels) {
        INDArray y = labels.castTo(DataType.DOUBLE);
        if (y.minNumber().doubleValue() >= 0 && y.maxNumber().doubleValue() <= 1 && allFinite(y)) {
            return;
        }
        Condition below = Conditions.lessThan(0);
        Condition above = Conditions.greaterThan(1);
        Condition nan = Conditions.isNan();
        long bad = count(y, below) + count(y, above) + count(y, nan);
        if (bad > 0) {
            long first = firstIndex(y, below, above, nan);
            throw badLabels(bad, first, y.shape(), y.getDouble(first));
        }
    }

    /** The exception for labels outside [0, 1]: the count, the shape, the first bad position and its value. */
    static IllegalArgumentException badLabels(long count, long firstFlat, long[] shape, double firstValue) {
        return new IllegalArgumentException(String.format(
                "labels must lie in [0, 1] (1 = positive pair, 0 = negative pair): %d bad values (outside [0, 1]"
                        + " or NaN) in shape %s, the first at %s = %s",
                count, java.util.Arrays.toString(shape), Checks.position(firstFlat, shape), firstValue));
    }

    /** True when no element is NaN or infinite: then {@code sum(a * 0)} is 0, else NaN. */
    private static boolean allFinite(INDArray a) {
        return a.mul(0.0).sumNumber().doubleValue() == 0.0;
    }

    /** Number of elements matching the condition, compared exactly (no epsilon); for error messages. */
    private static long count(INDArray array, Condition condition) {
        return Nd4j.getExecutioner().exec(new MatchCondition(array, 0.0, condition)).getLong(0);
    }

    /** A copy of {@code values} with 0 wherever the mask is 0; never writes into {@code values}. */
    private static INDArray zeroWhereMasked(INDArray values, INDArray mask) {
        INDArray fullMask = Nd4j.zeros(values.dataType(), values.shape());
        if (mask.size(1) == 1 && values.size(1) != 1) {
            fullMask.addiColumnVector(mask.castTo(values.dataType()));
        } else {
            fullMask.addi(mask.castTo(values.dataType()));
        }
        INDArray out = values.ulike();
        Nd4j.getExecutioner().exec(new CompareAndReplace(fullMask, values, out, Conditions.greaterThan(0)));
        return out;
    }

    /** Error path only: the position of the first element matching any condition. */
    private static String firstBad(INDArray array, Condition... conditions) {
        long i = firstIndex(array, conditions);
        return Checks.position(i, array.shape());
    }

    private static String valueAt(INDArray array, Condition... conditions) {
        return Double.toString(array.getDouble(firstIndex(array, conditions)));
    }

    private static long firstIndex(INDArray array, Condition... conditions) {
        double[] v = array.dup('c').ravel().toDoubleVector();
        for (int i = 0; i < v.length; i++) {
            for (Condition c : conditions) {
                if (c.apply(v[i])) {
                    return i;
                }
            }
        }
        return -1;
    }
}

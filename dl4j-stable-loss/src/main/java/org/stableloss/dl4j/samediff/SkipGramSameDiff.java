package org.stableloss.dl4j.samediff;

import java.util.Arrays;

import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.NameScope;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.internal.Precision;

/**
 * The sigmoid skip-gram loss of {@link LossSkipGram} as a SameDiff graph function: the same formulas, modes and
 * weights, any rank, with SameDiff's reductions, differentiated by SameDiff's autodiff.
 *
 * <p>ND4J 1.0.0-M2.1 has no user-defined op mechanism, so each entry point adds a small subgraph of existing ops
 * under the name scope {@code name} (variables {@code name/...}) and returns its output, named {@code name}
 * itself. The subgraph survives {@code sd.save(file, true)} / {@code SameDiff.load(file, true)} and trains with
 * {@code sd.fit}; it respects the upstream gradient, so it composes ({@code 0.3 * skipGram + other}).
 *
 * <h2>Formulas</h2>
 * Per element, for a logit {@code x}, a label {@code y} in [0, 1] and the pair weights {@code wPos}, {@code wNeg}
 * of the config:
 * <pre>
 *   term(x, y) = y * wPos * softplus(-x) + (1 - y) * wNeg * softplus(x)
 *   exact:   softplus(x) = x * c + log1p(exp(-|x|)),  softplus(-x) = x * (c - 1) + log1p(exp(-|x|)),
 *            with c = (x &gt;= 0 ? 1 : 0) and -|x| = x * (1 - 2c)
 *   clamped: each softplus clipped to [-log1p(-eps), -log(eps)] (the loss of p = clamp(sigmoid(x), eps, 1 - eps))
 *   log1p(e) = log(u) - ((u - 1) - e) / u,  u = 1 + e   (ND4J's Log1p op is a naive log(1 + e))
 * </pre>
 * {@code c} is a comparison cast to a float (no gradient flows through it), so autodiff differentiates a smooth
 * formula on each side of 0 and gives {@code dterm/dx = (1 - y) * wNeg * sigmoid(x) - y * wPos * sigmoid(-x)}
 * everywhere, including at exactly {@code x = 0} (zero-initialised embeddings start there; {@code relu'(0) = 0}
 * and {@code sign(0) = 0} would be wrong there). The gradient of the log1p composition is
 * {@code 1/u + ((u - 1) - e)/u^2}, i.e. {@code 1 / (1 + e)} with the rounding of {@code u} corrected. In the clamped
 * mode the gradient of a term is 0 where the clip is active (the term's value is at or beyond a bound).
 *
 * <h2>Weights and reductions</h2>
 * The <em>weight</em> of an element is {@code mask * w[j]}: the mask (1 when null) times the config's per-output
 * weight {@code w[j]} of its position {@code j} along the last dimension (1 when none are set), broadcast to the
 * logits' shape. As for SameDiff's own losses:
 * <ul>
 *   <li>{@link LossReduce#NONE}: {@code weight * term} per element, the logits' shape;</li>
 *   <li>{@link LossReduce#SUM}: {@code sum(weight * term)}, a scalar;</li>
 *   <li>{@link LossReduce#MEAN_BY_WEIGHT}: {@code sum(weight * term) / sum(weight)}, 0 when {@code sum(weight) = 0};</li>
 *   <li>{@link LossReduce#MEAN_BY_NONZERO_WEIGHT_COUNT}: {@code sum(weight * term) / count(weight != 0)}, 0 when
 *       no weight is non-zero.</li>
 * </ul>
 * Without mask and weights both means are the plain mean over all elements.
 *
 * <h2>Numerics and dtypes</h2>
 * Logits must be FLOAT, DOUBLE, HALF or BFLOAT16; HALF and BFLOAT16 are computed in FLOAT and the result is cast
 * back (their own {@code exp}/{@code log} are poor). Every finite logit gives a finite gradient, and a finite loss
 * wherever the true loss is finite (also {@code |x| = 1e4} and the largest finite values: only a weight above 1
 * times a huge logit overflows, as in {@link LossSkipGram}). For hard labels, values and gradients are within 4 ulp
 * of {@link LossSkipGram} in FLOAT and DOUBLE and within 1 ulp in HALF and BFLOAT16 ({@code SkipGramSameDiffTest}
 * and {@code SkipGramSameDiffAccuracyTest} check these bounds).
 * A masked-out element contributes 0 as long as its logit is finite (unlike
 * {@link LossSkipGram}, a NaN or infinite logit is not neutralised by a zero mask: {@code 0 * NaN = NaN}). Label
 * values are not checked (they are unknown when the graph is built): keep them in [0, 1].
 *
 * <h2>Shape checks</h2>
 * Shapes are checked when the graph is built as far as SameDiff knows them: for placeholders, variables and
 * constants (a placeholder's {@code -1} dimensions are not checked; op outputs have no static shape in M2.1 and are
 * not checked). Violations throw IllegalArgumentException naming the variables, their shapes and the expectation.
 *
 * <h2>Looking up embeddings</h2>
 * In M2.1 the backprop of {@code sd.gather} is wrong with duplicate indices and graphs with two gathers fail to build
 * their gradient (upstream issue 9756). Look rows up with a one-hot product instead, which is correct (cost
 * O(B * V * D)):
 * <pre>
 *   SDVariable idx = sd.placeHolder("idx", DataType.INT, -1);
 *   SDVariable rows = sd.oneHot(idx, vocabSize, -1, 1.0, 0.0, DataType.FLOAT).mmul(embeddings);   // [B, D]
 * </pre>
 *
 * <h2>Threads</h2>
 * The class is stateless. Building adds variables and ops to {@code sd}, which is not thread-safe: build one graph
 * from one thread at a time.
 */
public final class SkipGramSameDiff {

    private SkipGramSameDiff() {
    }

    /**
     * The skip-gram loss of logits against labels.
     *
     * @param sd     the graph
     * @param name   the output's name and the name scope of the subgraph
     * @param logits logits {@code x}, any rank; FLOAT, DOUBLE, HALF or BFLOAT16
     * @param labels labels {@code y} in [0, 1], the logits' shape, floating point (1 = positive pair, 0 = negative)
     * @param mask   null, or non-negative values of the logits' rank with each dimension equal to the logits' or 1
     *               (broadcast); any numeric dtype
     * @param reduce the reduction, see the class javadoc
     * @param config the loss: mode, eps, pair weights, per-output weights (their count must equal the logits' last
     *               dimension)
     * @return the loss in the logits' dtype: the logits' shape for {@link LossReduce#NONE}, else a scalar
     */
    public static SDVariable loss(SameDiff sd, String name, SDVariable logits, SDVariable labels, SDVariable mask,
                                  LossReduce reduce, LossSkipGram config) {
        checkNotNull(sd, "sd");
        checkNotNull(name, "name");
        checkNotNull(logits, "logits");
        checkNotNull(labels, "labels");
        checkNotNull(reduce, "reduce");
        checkNotNull(config, "config");
        checkLogitsDtype(logits, "logits");
        checkConfigFor(config, logits);
        checkArgument(labels.dataType().isFPType(), "labels '%s' must have a floating-point dtype, got %s",
                labels.name(), labels.dataType());
        checkSameShape(logits, labels);
        if (mask != null) {
            checkMask(logits, mask);
        }
        INDArray weights = config.getWeights();
        if (weights != null) {
            checkWeights(logits, weights);
        }
        SDVariable out;
        try (NameScope ignored = sd.withNameScope(name)) {
            DataType working = workingType(logits.dataType());
            SDVariable x = cast(logits, working);
            SDVariable y = cast(labels, working);
            SDVariable weight = weight(sd, x, mask == null ? null : cast(mask, working), weights);
            SDVariable term = term(x, y, config);
            SDVariable weighted = weight == null ? term : term.mul(weight);
            out = cast(reduce(sd, x, weighted, weight, reduce), logits.dataType());
        }
        return out.rename(name);
    }

    /**
     * Skip-gram scores and loss in one call: {@code x+[b] = dot(anchor[b], positive[b])} with label 1 and
     * {@code x-[b,k] = dot(anchor[b], negatives[b,k])} with label 0, laid out as logits {@code [B, 1 + K]}
     * (column 0 the positive, columns 1..K the negatives, as {@code DotProductVertex} and {@link LossSkipGram} see
     * them in a ComputationGraph) with the mask {@code [1, negativeMask]}, then {@link #loss}. The config's
     * per-output weights, if any, have {@code 1 + K} entries.
     *
     * <p>With {@link LossReduce#NONE} the result is per example {@code [B]}: the positive term plus the sum of the
     * masked negative terms. The other reductions run over all {@code B * (1 + K)} pairs, e.g.
     * {@code MEAN_BY_NONZERO_WEIGHT_COUNT} is the mean loss per unmasked pair. With the scalar reductions, no
     * negatives (K = 0) leaves the positive pairs alone and an empty minibatch (B = 0) scores 0; with NONE both
     * fail in ND4J M2.1 (its reduction along a dimension of an empty array throws).
     *
     * @param sd           the graph
     * @param name         the output's name and the name scope of the subgraph
     * @param anchor       {@code [B, D]}: FLOAT, DOUBLE, HALF or BFLOAT16
     * @param positive     {@code [B, D]}, the anchor's dtype
     * @param negatives    {@code [B, K, D]}, the anchor's dtype
     * @param negativeMask null, or {@code [B, K]} non-negative weights of the negatives (0 = padding); any numeric
     *                     dtype
     * @param reduce       the reduction, see the class javadoc
     * @param config       the loss: mode, eps, pair weights, per-output weights ({@code 1 + K} of them if set)
     * @return the loss in the anchor's dtype: {@code [B]} for {@link LossReduce#NONE}, else a scalar
     */
    public static SDVariable skipGram(SameDiff sd, String name, SDVariable anchor, SDVariable positive,
                                      SDVariable negatives, SDVariable negativeMask, LossReduce reduce,
                                      LossSkipGram config) {
        checkNotNull(sd, "sd");
        checkNotNull(name, "name");
        checkNotNull(anchor, "anchor");
        checkNotNull(positive, "positive");
        checkNotNull(negatives, "negatives");
        checkNotNull(reduce, "reduce");
        checkNotNull(config, "config");
        checkLogitsDtype(anchor, "anchor");
        checkArgument(positive.dataType() == anchor.dataType() && negatives.dataType() == anchor.dataType(),
                "anchor, positive and negatives must share one dtype, got anchor '%s' %s, positive '%s' %s,"
                        + " negatives '%s' %s", anchor.name(), anchor.dataType(), positive.name(),
                positive.dataType(), negatives.name(), negatives.dataType());
        checkConfigFor(config, anchor);
        checkSkipGramShapes(anchor, positive, negatives, negativeMask);
        INDArray weights = config.getWeights();
        long[] negShape = negatives.getShape();
        if (weights != null && negShape != null && negShape[1] >= 0) {
            checkArgument(weights.length() == 1 + negShape[1],
                    "config has %d per-output weights but the logits [B, 1 + K] have 1 + K = %d columns"
                            + " (negatives '%s' %s)", weights.length(), 1 + negShape[1], negatives.name(),
                    Arrays.toString(negShape));
        }
        SDVariable logits;
        SDVariable labels;
        SDVariable mask = null;
        try (NameScope ignored = sd.withNameScope(name)) {
            SDVariable positiveLogit = sd.sum(anchor.mul(positive), true, 1);                // [B, 1]
            SDVariable negativeLogits = sd.sum(negatives.mul(sd.expandDims(anchor, 1)), 2);  // [B, K]
            logits = sd.concat("logits", 1, positiveLogit, negativeLogits);
            labels = sd.concat("labels", 1, sd.onesLike(positiveLogit), sd.zerosLike(negativeLogits));
            if (negativeMask != null) {
                SDVariable m = cast(negativeMask, anchor.dataType());
                mask = sd.concat("mask", 1, sd.onesLike(positiveLogit), m);
            }
        }
        SDVariable perPair = loss(sd, name + "/loss", logits, labels, mask, reduce, config);
        if (reduce != LossReduce.NONE) {
            return perPair.rename(name);
        }
        return sd.sum(name, perPair, 1);
    }

    /** The unweighted per-element term, see the class javadoc. */
    private static SDVariable term(SDVariable x, SDVariable y, LossSkipGram config) {
        SameDiff sd = x.getSameDiff();
        SDVariable c = x.gte(0.0).castTo(x.dataType());
        SDVariable e = sd.math.exp(x.mul(c.mul(-2.0).add(1.0)));
        SDVariable u = e.add(1.0);
        SDVariable log1p = sd.math.log(u).sub(u.sub(1.0).sub(e).div(u));
        SDVariable softplusPos = x.mul(c).add(log1p);
        SDVariable softplusNeg = x.mul(c.sub(1.0)).add(log1p);
        if (config.getMode() == LossSkipGram.Mode.CLAMPED) {
            double eps = config.getEps();
            double lo = -Math.log1p(-eps);
            double hi = -Math.log(eps);
            softplusPos = sd.math.clipByValue(softplusPos, lo, hi);
            softplusNeg = sd.math.clipByValue(softplusNeg, lo, hi);
        }
        SDVariable positiveTerm = scaled(y, config.getPositiveWeight()).mul(softplusNeg);
        SDVariable negativeTerm = scaled(y.rsub(1.0), config.getNegativeWeight()).mul(softplusPos);
        return positiveTerm.add(negativeTerm);
    }

    private static SDVariable scaled(SDVariable v, double factor) {
        return factor == 1.0 ? v : v.mul(factor);
    }

    /**
     * mask * w[j] broadcast to x's shape, or null when there is neither; the weights are a vector [n], which
     * broadcasts along the last dimension of any rank.
     */
    private static SDVariable weight(SameDiff sd, SDVariable x, SDVariable mask, INDArray weights) {
        SDVariable w = null;
        if (weights != null) {
            w = sd.constant(weights.castTo(x.dataType()).reshape(weights.length()));
        }
        if (mask == null && w == null) {
            return null;
        }
        SDVariable ones = sd.onesLike(x);
        SDVariable full = mask == null ? ones : ones.mul(mask);
        return w == null ? full : full.mul(w);
    }

    private static SDVariable reduce(SameDiff sd, SDVariable x, SDVariable weighted, SDVariable weight,
                                     LossReduce reduce) {
        return switch (reduce) {
            case NONE -> weighted;
            case SUM -> weighted.sum();
            case MEAN_BY_WEIGHT -> weighted.sum().div(nonZero(weight == null ? sd.onesLike(x).sum() : weight.sum()));
            case MEAN_BY_NONZERO_WEIGHT_COUNT -> weighted.sum().div(nonZero(weight == null ? sd.onesLike(x).sum()
                    : weight.neq(0.0).castTo(x.dataType()).sum()));
        };
    }

    /** {@code d} where it is non-zero, else 1 (so that 0 / d = 0); no gradient flows through the selector. */
    private static SDVariable nonZero(SDVariable d) {
        return d.add(d.eq(0.0).castTo(d.dataType()));
    }

    /** The dtype the subgraph computes in: DOUBLE for DOUBLE logits, FLOAT for FLOAT, HALF and BFLOAT16. */
    private static DataType workingType(DataType logits) {
        return Precision.workingType(logits);
    }

    private static SDVariable cast(SDVariable v, DataType dataType) {
        return v.dataType() == dataType ? v : v.castTo(dataType);
    }

    private static void checkLogitsDtype(SDVariable v, String what) {
        DataType t = v.dataType();
        checkArgument(t == DataType.FLOAT || t == DataType.DOUBLE || t == DataType.HALF || t == DataType.BFLOAT16,
                "%s '%s' must be FLOAT, DOUBLE, HALF or BFLOAT16, got %s", what, v.name(), t);
    }

    /**
     * As {@link LossSkipGram}: the clamp must not vanish in the dtype the graph computes in ({@link #workingType}:
     * FLOAT for HALF and BFLOAT16 logits), i.e. 1 - eps must differ from 1 there.
     */
    private static void checkConfigFor(LossSkipGram config, SDVariable logits) {
        if (config.getMode() != LossSkipGram.Mode.CLAMPED) {
            return;
        }
        double eps = config.getEps();
        DataType working = workingType(logits.dataType());
        checkArgument(!Precision.clampVanishes(eps, working), "eps=%s vanishes in %s, the working dtype of %s"
                + " logits '%s': expected eps > %s (1 - eps rounds to 1 there, so the clamp would do nothing at the"
                + " top); use a larger eps or the exact mode", eps, working, logits.dataType(), logits.name(),
                Precision.largestVanishingEps(working));
    }

    private static void checkSameShape(SDVariable logits, SDVariable labels) {
        long[] a = logits.getShape();
        long[] b = labels.getShape();
        if (a == null || b == null) {
            return;
        }
        boolean ok = a.length == b.length;
        for (int i = 0; ok && i < a.length; i++) {
            ok = a[i] < 0 || b[i] < 0 || a[i] == b[i];
        }
        checkArgument(ok, "labels and logits must have the same shape: labels '%s' %s, logits '%s' %s",
                labels.name(), Arrays.toString(b), logits.name(), Arrays.toString(a));
    }

    private static void checkMask(SDVariable logits, SDVariable mask) {
        checkArgument(mask.dataType().isNumerical() && mask.dataType() != DataType.BOOL,
                "mask '%s' must be numeric, got %s", mask.name(), mask.dataType());
        long[] a = logits.getShape();
        long[] m = mask.getShape();
        if (a == null || m == null) {
            return;
        }
        boolean ok = a.length == m.length;
        for (int i = 0; ok && i < a.length; i++) {
            ok = a[i] < 0 || m[i] < 0 || m[i] == 1 || a[i] == m[i];
        }
        checkArgument(ok, "mask '%s' %s must have the rank of logits '%s' %s with each dimension equal to the"
                + " logits' or 1", mask.name(), Arrays.toString(m), logits.name(), Arrays.toString(a));
    }

    private static void checkWeights(SDVariable logits, INDArray weights) {
        long[] a = logits.getShape();
        if (a == null || a.length == 0 || a[a.length - 1] < 0) {
            return;
        }
        checkArgument(weights.length() == a[a.length - 1], "config has %d per-output weights but logits '%s' %s"
                + " have %d along the last dimension", weights.length(), logits.name(), Arrays.toString(a),
                a[a.length - 1]);
    }

    private static void checkSkipGramShapes(SDVariable anchor, SDVariable positive, SDVariable negatives,
                                            SDVariable negativeMask) {
        long[] a = anchor.getShape();
        long[] p = positive.getShape();
        long[] n = negatives.getShape();
        long[] m = negativeMask == null ? null : negativeMask.getShape();
        checkArgument(a == null || a.length == 2, "anchor '%s' must be [B, D], got %s", anchor.name(),
                Arrays.toString(a));
        checkArgument(p == null || p.length == 2, "positive '%s' must be [B, D], got %s", positive.name(),
                Arrays.toString(p));
        checkArgument(n == null || n.length == 3, "negatives '%s' must be [B, K, D], got %s", negatives.name(),
                Arrays.toString(n));
        checkArgument(m == null || m.length == 2, "negativeMask '%s' must be [B, K], got %s",
                negativeMask == null ? null : negativeMask.name(), Arrays.toString(m));
        if (negativeMask != null) {
            checkArgument(negativeMask.dataType().isNumerical() && negativeMask.dataType() != DataType.BOOL,
                    "negativeMask '%s' must be numeric, got %s", negativeMask.name(), negativeMask.dataType());
        }
        String shapes = String.format("anchor '%s' %s, positive '%s' %s, negatives '%s' %s, negativeMask '%s' %s",
                anchor.name(), Arrays.toString(a), positive.name(), Arrays.toString(p), negatives.name(),
                Arrays.toString(n), negativeMask == null ? null : negativeMask.name(), Arrays.toString(m));
        agree("B", shapes, dim(a, 0), dim(p, 0), dim(n, 0), dim(m, 0));
        agree("D", shapes, dim(a, 1), dim(p, 1), dim(n, 2));
        agree("K", shapes, dim(n, 1), dim(m, 1));
    }

    /** The size of dimension i, or -1 when unknown. */
    private static long dim(long[] shape, int i) {
        return shape == null || shape[i] < 0 ? -1 : shape[i];
    }

    /** All known sizes must be equal. */
    private static void agree(String what, String shapes, long... sizes) {
        long known = -1;
        for (long s : sizes) {
            if (s < 0) {
                continue;
            }
            checkArgument(known < 0 || known == s, "%s differs between the inputs: %s", what, shapes);
            known = s;
        }
    }

    private static void checkNotNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    private static void checkArgument(boolean ok, String messageFormat, Object... args) {
        if (!ok) {
            throw new IllegalArgumentException(String.format(messageFormat, args));
        }
    }
}

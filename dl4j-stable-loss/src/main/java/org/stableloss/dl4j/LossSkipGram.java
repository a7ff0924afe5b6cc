package org.stableloss.dl4j;

import java.io.InvalidObjectException;
import java.io.Serial;
import java.util.Arrays;
import java.util.Objects;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspaceManager;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonInclude;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stableloss.dl4j.internal.Precision;

/**
 * The sigmoid skip-gram (negative-sampling) loss as a DL4J {@link ILossFunction}, exact in every dtype.
 *
 * <p>{@code preOutput} holds logits {@code x = dot(anchor, context)}; {@code labels} hold {@code y} in [0, 1]
 * (1 = positive pair, 0 = negative pair, values in between are soft labels). Per element, with the pair weights
 * {@code wPos}, {@code wNeg} and the per-output weight {@code w[j]} (1 unless set):
 * <pre>
 *   exact:    L = w[j] * ( y * wPos * softplus(-x) + (1 - y) * wNeg * softplus(x) )
 *             dL/dx = w[j] * ( (1 - y) * wNeg * sigmoid(x) - y * wPos * sigmoid(-x) )
 *   clamped:  p = clamp(sigmoid(x), eps, 1 - eps),
 *             L = w[j] * ( -y * wPos * log(p) - (1 - y) * wNeg * log(1 - p) ),
 *             dL/dx as differentiating that formula gives: 0 where the clamp is active (|x| >= log((1-eps)/eps))
 * </pre>
 * {@code softplus(-x) = -log sigmoid(x)}: the exact mode never saturates. A positive pair at logit -100 has loss
 * 100 and gradient -1 (DL4J's {@code LossBinaryXENT}: 11.5 and 0).
 *
 * <h2>Activation</h2>
 * The layer's activation must be {@code IDENTITY} or {@code SIGMOID}; either way {@code preOutput} is taken as
 * the logit and the gradient returned is {@code dL/dx} (the sigmoid is fused into the loss).
 *
 * <h2>Shapes, masks, reduction</h2>
 * {@code labels} and {@code preOutput} are [mb, nOut]; a mask is per example [mb, 1] or per output [mb, nOut],
 * with non-negative finite values that scale the entries (0 removes one: it then contributes exactly 0 to score
 * and gradient, whatever its logit or label, NaN and infinities included). Scores are summed in double;
 * {@code average} divides by mb; the gradient is never averaged (DL4J's updater divides by the minibatch). An empty
 * minibatch has score 0 and an empty gradient.
 * Inputs are never modified.
 *
 * <h2>Accuracy</h2>
 * In the exact mode, for hard labels, loss and gradient are within 2 ulp (FLOAT) and 4 ulp (DOUBLE) of the true
 * values wherever those are normal numbers, and within 1 ulp in HALF and BFLOAT16 (computed in FLOAT). Soft
 * labels in FLOAT, HALF and BFLOAT16 are computed in DOUBLE and keep those bounds; in DOUBLE, the soft-label
 * gradient is a difference of two terms and is within 4 ulp of the larger term. The clamped mode has the same
 * bounds against its own formula. Outputs have {@code preOutput}'s dtype. Finite inputs never give NaN or Inf;
 * an infinite logit gives the limits (loss 0 or +Inf, gradient 0 or -+weight); a NaN logit gives NaN in its own
 * entries only.
 *
 * <h2>Implementations</h2>
 * Each method computes only what it returns ({@code computeScore} no gradient, {@code computeGradient} no loss). On
 * the CPU backend, FLOAT and DOUBLE arrays take a host path computed in double precision in Java, with
 * arithmetic {@code exp} and {@code log1p} (polynomials, no {@code Math} calls): on the JDK vector API when the JVM
 * runs with {@code --add-modules jdk.incubator.vector} (JDK 17 to 25), else in plain loops that the JIT vectorizes;
 * both give the same bits, compiled or interpreted. Large calls use at most
 * {@code Nd4j.getEnvironment().maxThreads()} threads of one shared pool, the caller included. Other calls (CUDA,
 * HALF, BFLOAT16, views) run backend-neutral ND4J ops with temporaries in a per-thread workspace, which
 * {@link #releaseThreadWorkspace()} frees. All paths meet the bounds above; on the host path separate calls on the
 * same inputs (e.g. {@code computeGradient} and {@code computeGradientAndScore}) give the same bits, on the ND4J
 * path they agree within the bounds, not always to the
 * last bit. {@code -Dorg.stableloss.dl4j.fastPath=false} forces the ND4J ops, {@code =scalar} the plain loops.
 *
 * <p>Instances are immutable and thread-safe, and survive DL4J's JSON and Java serialization; the class name is
 * part of saved models and never changes. JSON that leaves a field out gets its default (mode EXACT, pair weights 1,
 * no per-output weights). A configuration in which every term is weighted 0 (both pair weights 0, or all
 * per-output weights 0) is rejected with an IllegalArgumentException by the builder and by JSON, and with an
 * InvalidObjectException by Java deserialization.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class LossSkipGram implements ILossFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(LossSkipGram.class);
    private static final String WORKSPACE_ID = "LossSkipGram";
    /** Temporaries live here: sized on the first call, grown when a larger call spills, reused after that. */
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.2)
            .policyLearning(LearningPolicy.FIRST_LOOP).policySpill(SpillPolicy.REALLOCATE).build();

    /** How the loss treats saturated sigmoids. */
    public enum Mode {
        /** {@code -log sigmoid} evaluated exactly as a softplus: no saturation, full gradient everywhere. */
        EXACT,
        /** The classic recipe: sigmoid clamped to [eps, 1 - eps] before the log; zero gradient where clamped. */
        CLAMPED
    }

    /** The mode; serialized as "mode". */
    @JsonProperty("mode")
    private final Mode mode;
    /** The clamp of the clamped mode, null in the exact mode; serialized as "eps". */
    @JsonProperty("eps")
    private final Double eps;
    /** {@code wPos}; serialized as "positiveWeight". */
    @JsonProperty("positiveWeight")
    private final double positiveWeight;
    /** {@code wNeg}; serialized as "negativeWeight". */
    @JsonProperty("negativeWeight")
    private final double negativeWeight;
    /** Per-output weights {@code w[j]}, or null; serialized as "outputWeights". */
    @JsonProperty("outputWeights")
    private final double[] outputWeights;

    /** The exact mode with all weights 1. */
    public LossSkipGram() {
        this(Mode.EXACT, null, null, null, null);
    }

    /**
     * The constructor of every instance (builder, JSON, Java deserialization through {@link #readResolve}). In JSON
     * a missing field takes its default: mode EXACT, pair weights 1, no eps, no per-output weights.
     */
    @JsonCreator
    private LossSkipGram(@JsonProperty("mode") Mode mode, @JsonProperty("eps") Double eps,
                         @JsonProperty("positiveWeight") Double positiveWeight,
                         @JsonProperty("negativeWeight") Double negativeWeight,
                         @JsonProperty("outputWeights") double[] outputWeights) {
        this.mode = mode == null ? Mode.EXACT : mode;
        if (this.mode == Mode.CLAMPED) {
            Checks.checkNotNull(eps, "eps (required by the clamped mode)");
            Checks.checkArgument(eps > 0 && eps < 0.5, "eps must lie in (0, 0.5), got %s", eps);
        } else {
            Checks.checkArgument(eps == null, "eps applies to the clamped mode only, got eps=%s in mode %s", eps,
                    this.mode);
        }
        this.eps = eps;
        this.positiveWeight = Checks.checkFiniteNonNegative(positiveWeight == null ? 1.0 : positiveWeight,
                "positiveWeight");
        this.negativeWeight = Checks.checkFiniteNonNegative(negativeWeight == null ? 1.0 : negativeWeight,
                "negativeWeight");
        Checks.checkArgument(this.positiveWeight > 0 || this.negativeWeight > 0,
                "positiveWeight and negativeWeight must not both be 0 (every term would be weighted 0): expected"
                        + " at least one > 0, got positiveWeight=%s, negativeWeight=%s", this.positiveWeight,
                this.negativeWeight);
        if (outputWeights != null) {
            Checks.checkArgument(outputWeights.length > 0, "weights must not be empty");
            boolean anyPositive = false;
            for (int j = 0; j < outputWeights.length; j++) {
                double w = outputWeights[j];
                Checks.checkArgument(Double.isFinite(w) && w >= 0,
                        "weights must be finite and >= 0, got %s at index %d", w, j);
                anyPositive |= w > 0;
            }
            Checks.checkArgument(anyPositive, "weights (outputWeights) must not all be 0 (every term would be"
                    + " weighted 0): expected at least one > 0, got %s", Arrays.toString(outputWeights));
        }
        this.outputWeights = outputWeights == null ? null : outputWeights.clone();
    }

    /**
     * Java deserialization goes through the constructor, so a stream gets the same checks as JSON and the builder.
     *
     * @return the checked loss
     * @throws InvalidObjectException naming the field, expected and actual value, when the stream holds a
     *                                configuration the constructor rejects
     */
    @Serial
    private Object readResolve() throws InvalidObjectException {
        try {
            return new LossSkipGram(mode, eps, positiveWeight, negativeWeight, outputWeights);
        } catch (IllegalArgumentException e) {
            InvalidObjectException invalid = new InvalidObjectException("invalid LossSkipGram: " + e.getMessage());
            invalid.initCause(e);
            throw invalid;
        }
    }

    /** @return a builder, starting from the exact mode with all weights 1 */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the mode */
    public Mode getMode() {
        return mode;
    }

    /** @return the clamp of the clamped mode; NaN in the exact mode */
    @JsonIgnore
    public double getEps() {
        return eps == null ? Double.NaN : eps;
    }

    /** @return the weight {@code wPos} of a positive pair's term */
    public double getPositiveWeight() {
        return positiveWeight;
    }

    /** @return the weight {@code wNeg} of a negative pair's term */
    public double getNegativeWeight() {
        return negativeWeight;
    }

    /** @return a copy of the per-output weights as a DOUBLE row vector [1, nOut], or null when none are set */
    @JsonIgnore
    public INDArray getWeights() {
        return outputWeights == null ? null : Nd4j.createFromArray(outputWeights).reshape(1, outputWeights.length);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double score = evaluate(labels, preOutput, activationFn, mask, true, null, null);
        return average ? averaged(score, preOutput) : score;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Checks.checkNotNull(preOutput, "preOutput");
        INDArray scores = allocate(preOutput.dataType(), new long[] {preOutput.size(0), 1}, true);
        evaluate(labels, preOutput, activationFn, mask, true, scores, null);
        return scores;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Checks.checkNotNull(preOutput, "preOutput");
        INDArray gradient = allocate(preOutput.dataType(), preOutput.shape(), false);
        evaluate(labels, preOutput, activationFn, mask, false, null, gradient);
        return gradient;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        Checks.checkNotNull(preOutput, "preOutput");
        INDArray gradient = allocate(preOutput.dataType(), preOutput.shape(), false);
        double score = evaluate(labels, preOutput, activationFn, mask, true, null, gradient);
        return new Pair<>(average ? averaged(score, preOutput) : score, gradient);
    }

    /**
     * Frees the memory that {@link LossSkipGram} keeps for the calling thread: the workspace of the portable ND4J
     * path (sized to the thread's largest call, and kept for the thread's life so that later calls allocate
     * nothing; device memory on CUDA). Call it from a thread that is done with the loss, e.g. before returning a
     * pooled thread or at the end of a Spark task; a later call on the thread allocates afresh. Does nothing on a
     * thread that has none, or while a loss call is running on it.
     */
    public static void releaseThreadWorkspace() {
        MemoryWorkspaceManager manager = Nd4j.getWorkspaceManager();
        if (!manager.checkIfWorkspaceExists(WORKSPACE_ID) || manager.checkIfWorkspaceExistsAndActive(WORKSPACE_ID)) {
            return;
        }
        manager.destroyWorkspace(manager.getWorkspaceForCurrentThread(WORKSPACE_ID));
    }

    /**
     * A new C-order array in the current scope, zeroed or not; an empty one is made outside any workspace (ND4J
     * cannot place a zero-length buffer in one).
     */
    private static INDArray allocate(DataType dataType, long[] shape, boolean zeroed) {
        if (Arrays.stream(shape).anyMatch(n -> n == 0)) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Nd4j.create(dataType, shape);
            }
        }
        return zeroed ? Nd4j.zeros(dataType, shape) : Nd4j.createUninitialized(dataType, shape, 'c');
    }

    /** The score divided by the minibatch size; 0 for an empty minibatch. */
    private static double averaged(double score, INDArray preOutput) {
        long mb = preOutput.size(0);
        return mb == 0 ? 0.0 : score / mb;
    }

    /**
     * Validates and computes what is asked, on the CPU host path ({@link FastPath}) or the portable ND4J path
     * (temporaries in this thread's workspace: reused memory, no fresh allocation per call after the first), and
     * writes the results into arrays the caller allocated in its own scope.
     *
     * @param score       true to compute the total score
     * @param scoresOut   [mb, 1] per-example scores, zero on entry, or null
     * @param gradientOut dL/dx, a C-order array in preOutput's shape and dtype, or null
     * @return the total score, summed in double; 0 when not asked for
     */
    private double evaluate(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                            boolean score, INDArray scoresOut, INDArray gradientOut) {
        LossInputs.checkArguments(labels, preOutput, activationFn, mask, outputWeights);
        if (mode == Mode.CLAMPED) {
            checkEpsFor(preOutput.dataType());
        }
        if (preOutput.isEmpty()) {
            return 0.0;
        }
        if (FastPath.applies(labels, preOutput, mask)) {
            double[] rows = scoresOut == null ? null : new double[Math.toIntExact(preOutput.size(0))];
            double total = FastPath.evaluate(labels, preOutput, mask, kernelParams(), score, rows, gradientOut);
            if (rows != null) {
                scoresOut.assign(Nd4j.createFromArray(rows).reshape(rows.length, 1));
            }
            log.debug("{} on {} {}: CPU host path, score {}", this, preOutput.dataType(), Checks.shape(preOutput),
                    total);
            return total;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
            LossInputs in = LossInputs.prepare(labels, preOutput, mask);
            SkipGramKernels.LossAndGradient r = in.hardLabels()
                    ? SkipGramKernels.hardLabels(in.logits(), in.labels(), kernelParams(), score, gradientOut != null)
                    : SkipGramKernels.softLabels(in.logits(), in.labels(), kernelParams(), score, gradientOut != null);
            double total = 0.0;
            if (score) {
                in.applyMask(r.loss());
                INDArray loss = r.loss().castTo(DataType.DOUBLE);
                if (scoresOut != null) {
                    INDArray rows = loss.sum(true, 1);
                    total = rows.sumNumber().doubleValue();
                    scoresOut.assign(rows);
                } else {
                    total = loss.sumNumber().doubleValue();
                }
            }
            if (gradientOut != null) {
                in.applyMask(r.gradient());
                gradientOut.assign(r.gradient());
            }
            if (log.isDebugEnabled()) {
                log.debug("{} on {} {}: portable path, working dtype {}, {} labels, mask {}, score {}", this,
                        preOutput.dataType(), Checks.shape(preOutput), in.logits().dataType(),
                        in.hardLabels() ? "hard" : "soft", mask == null ? "none" : Checks.shape(mask), total);
            }
            return total;
        }
    }

    /**
     * The kernels' parameters. In the exact mode the clamp bounds are no-ops that the host kernels can apply
     * unconditionally: [0, +Inf] for a softplus, and a clamp logit of NaN (no |x| is >= NaN).
     */
    SkipGramKernels.KernelParams kernelParams() {
        if (mode == Mode.EXACT) {
            return new SkipGramKernels.KernelParams(false, 0, Double.POSITIVE_INFINITY, Double.NaN, positiveWeight,
                    negativeWeight, outputWeights);
        }
        double e = eps;
        return new SkipGramKernels.KernelParams(true, -Math.log1p(-e), -Math.log(e), Math.log1p(-e) - Math.log(e),
                positiveWeight, negativeWeight, outputWeights);
    }

    /**
     * The clamp must not vanish in the working dtype (FLOAT for FLOAT, HALF and BFLOAT16 arrays, DOUBLE for DOUBLE):
     * 1 - eps must differ from 1 there.
     */
    private void checkEpsFor(DataType dataType) {
        DataType working = Precision.workingType(dataType);
        Checks.checkArgument(!Precision.clampVanishes(eps, working),
                "eps=%s vanishes in %s, the working dtype of %s arrays: expected eps > %s (1 - eps rounds to 1"
                        + " there, so the clamp would do nothing at the top); use a larger eps or the exact mode",
                eps, working, dataType, Precision.largestVanishingEps(working));
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LossSkipGram(").append(mode);
        if (mode == Mode.CLAMPED) {
            sb.append(", eps=").append(eps);
        }
        if (positiveWeight != 1.0 || negativeWeight != 1.0) {
            sb.append(", positiveWeight=").append(positiveWeight).append(", negativeWeight=").append(negativeWeight);
        }
        if (outputWeights != null) {
            sb.append(", weights=").append(Arrays.toString(outputWeights));
        }
        return sb.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LossSkipGram other)) {
            return false;
        }
        return mode == other.mode && Objects.equals(eps, other.eps)
                && Double.compare(positiveWeight, other.positiveWeight) == 0
                && Double.compare(negativeWeight, other.negativeWeight) == 0
                && Arrays.equals(outputWeights, other.outputWeights);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, eps, positiveWeight, negativeWeight, Arrays.hashCode(outputWeights));
    }

    /**
     * Builds a {@link LossSkipGram}; starts from the exact mode with all weights 1. Arguments are checked as they
     * are set.
     */
    public static final class Builder {
        private Mode mode = Mode.EXACT;
        private Double eps;
        private double positiveWeight = 1.0;
        private double negativeWeight = 1.0;
        private double[] outputWeights;

        private Builder() {
        }

        /**
         * The exact log-sigmoid mode (the default).
         *
         * @return this builder
         */
        public Builder exact() {
            this.mode = Mode.EXACT;
            this.eps = null;
            return this;
        }

        /**
         * The clamped-sigmoid mode: {@code p = clamp(sigmoid(x), eps, 1 - eps)}.
         *
         * @param eps in (0, 0.5); it must also not vanish in the working dtype of the arrays it is used on
         *            ({@code 1 - eps != 1} there): eps above 2^-25 (about 3e-8) for FLOAT, HALF and BFLOAT16
         *            arrays, which are computed in FLOAT, and above 2^-54 for DOUBLE
         * @return this builder
         */
        public Builder clamped(double eps) {
            Checks.checkArgument(eps > 0 && eps < 0.5, "eps must lie in (0, 0.5), got %s", eps);
            this.mode = Mode.CLAMPED;
            this.eps = eps;
            return this;
        }

        /**
         * @param weight the weight of a positive pair's term, finite and >= 0 (default 1); {@link #build} rejects
         *               both pair weights 0
         * @return this builder
         */
        public Builder positiveWeight(double weight) {
            this.positiveWeight = Checks.checkFiniteNonNegative(weight, "positiveWeight");
            return this;
        }

        /**
         * @param weight the weight of a negative pair's term, finite and >= 0 (default 1); {@link #build} rejects
         *               both pair weights 0
         * @return this builder
         */
        public Builder negativeWeight(double weight) {
            this.negativeWeight = Checks.checkFiniteNonNegative(weight, "negativeWeight");
            return this;
        }

        /**
         * @param weights per-output weights, a row vector [1, nOut] or a vector [nOut], finite and >= 0, not all 0
         *                (checked by {@link #build}); copied. Null removes them.
         * @return this builder
         */
        public Builder weights(INDArray weights) {
            if (weights == null) {
                this.outputWeights = null;
                return this;
            }
            Checks.checkArgument(weights.isRowVectorOrScalar() && weights.length() > 0,
                    "weights must be a row vector [1, nOut], got shape %s", Checks.shape(weights));
            this.outputWeights = weights.castTo(DataType.DOUBLE).toDoubleVector();
            return this;
        }

        /**
         * @return the loss
         * @throws IllegalArgumentException when every term would be weighted 0 (both pair weights 0, or all
         *                                  per-output weights 0)
         */
        public LossSkipGram build() {
            return new LossSkipGram(mode, eps, positiveWeight, negativeWeight, outputWeights);
        }
    }
}

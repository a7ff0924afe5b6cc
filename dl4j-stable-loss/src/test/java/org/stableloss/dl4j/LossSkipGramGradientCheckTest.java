package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * DL4J's own finite-difference gradient check ({@link GradientCheckUtil}, central differences of the network's
 * score) against the analytic backprop gradient, which goes through {@link LossSkipGram#computeGradient}: the loss's
 * gradient must be the derivative of its score, inside real networks, with masks and weights.
 *
 * <p>Networks: a MultiLayerNetwork (Dense tanh, then OutputLayer or LossLayer with IDENTITY or SIGMOID activation,
 * the sigmoid being fused into the loss) and a skip-gram style ComputationGraph (two EmbeddingLayers, their
 * element-wise product, then an OutputLayer or a LossLayer). Each with no mask, a per-example label mask [mb, 1] and
 * a per-output label mask [mb, nOut]; hard labels (and soft ones with the OutputLayer); plain and weighted
 * (positiveWeight, negativeWeight and per-output weights); exact and clamped (eps 1e-4; logits stay far inside
 * |x| < 9.2, where the clamp would bite).
 * A deliberately wrong loss (gradient scaled by 1.01) must fail the same check, so the check has teeth.
 *
 * <p>DL4J hands the loss plain C-order arrays, so on a CPU JVM with the vector module these networks run the CPU
 * fast path; {@link LossSkipGramGradientCheckPortableTest} repeats everything on the portable ND4J path.
 */
@ExtendWith(DoublePrecision.class)
class LossSkipGramGradientCheckTest {

    private static final double EPS = 1e-6;
    private static final double MAX_REL_ERROR = 1e-5;
    private static final double MIN_ABS_ERROR = 1e-10;
    private static final int MB = 6;
    private static final int N_IN = 4;
    private static final int HIDDEN = 5;
    private static final int N_OUT = 3;
    private static final int VOCAB = 5;
    private static final int EMBED = 3;

    enum Mask { NONE, PER_EXAMPLE, PER_OUTPUT }

    enum Weighting { PLAIN, WEIGHTED }

    enum Mode { EXACT, CLAMPED }

    enum Labels { HARD, SOFT }

    enum Head { OUTPUT_LAYER, LOSS_LAYER }

    static LossSkipGram loss(Mode mode, Weighting weighting, int nOut) {
        LossSkipGram.Builder b = LossSkipGram.builder();
        if (mode == Mode.CLAMPED) {
            b.clamped(1e-4);
        }
        if (weighting == Weighting.WEIGHTED) {
            double[] w = new double[nOut];
            for (int j = 0; j < nOut; j++) {
                w[j] = 0.25 + 0.75 * j; // 0.25, 1.0, 1.75, ...
            }
            b.positiveWeight(2.0).negativeWeight(0.5).weights(Nd4j.createFromArray(w).reshape(1, nOut));
        }
        return b.build();
    }

    static Stream<Arguments> mlnCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Head head : Head.values()) {
            for (Activation act : new Activation[] {Activation.IDENTITY, Activation.SIGMOID}) {
                for (Mask mask : Mask.values()) {
                    for (Weighting w : Weighting.values()) {
                        for (Mode mode : Mode.values()) {
                            cases.add(Arguments.of(head, act, mask, w, mode, Labels.HARD));
                            if (head == Head.OUTPUT_LAYER) { // soft labels: the kernel does not care about the head
                                cases.add(Arguments.of(head, act, mask, w, mode, Labels.SOFT));
                            }
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    static Stream<Arguments> graphCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Head head : Head.values()) {
            for (Mask mask : Mask.values()) {
                for (Weighting w : Weighting.values()) {
                    for (Mode mode : Mode.values()) {
                        // The skip-gram graph's labels are hard (positive/negative pairs); the SIGMOID head is
                        // covered on the MultiLayerNetwork, so alternate it here to keep the matrix small.
                        Activation act = (mask.ordinal() + w.ordinal()) % 2 == 0 ? Activation.IDENTITY
                                : Activation.SIGMOID;
                        cases.add(Arguments.of(head, act, mask, w, mode));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} mask={2} {3} {4} labels={5}")
    @MethodSource("mlnCases")
    void multiLayerNetworkPassesGradientCheck(Head head, Activation act, Mask mask, Weighting weighting, Mode mode,
                                              Labels labels) {
        long seed = 1000 + 31L * head.ordinal() + 7L * act.ordinal() + 5L * mask.ordinal() + 3L * mode.ordinal();
        ILossFunction lossFn = loss(mode, weighting, N_OUT);
        MultiLayerNetwork net = mln(head, act, lossFn, seed);
        Random r = new Random(seed);
        INDArray input = TestArrays.gaussian(r, MB, N_IN);
        INDArray labelArr = labels(r, MB, N_OUT, labels);
        INDArray maskArr = mask(r, MB, N_OUT, mask);

        assertLogitsInsideClamp(net, input, head);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(labelArr).labelMask(maskArr).epsilon(EPS).maxRelError(MAX_REL_ERROR)
                .minAbsoluteError(MIN_ABS_ERROR).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .exitOnFirstError(false));
        assertTrue(ok, "gradient check failed for " + lossFn + " " + head + " " + act + " mask=" + mask);
    }

    @ParameterizedTest(name = "{0} {1} mask={2} {3} {4}")
    @MethodSource("graphCases")
    void computationGraphPassesGradientCheck(Head head, Activation act, Mask mask, Weighting weighting, Mode mode) {
        long seed = 2000 + 31L * head.ordinal() + 5L * mask.ordinal() + 3L * mode.ordinal() + weighting.ordinal();
        int nOut = head == Head.OUTPUT_LAYER ? N_OUT : EMBED;
        ILossFunction lossFn = loss(mode, weighting, nOut);
        ComputationGraph net = graph(head, act, lossFn, seed);
        Random r = new Random(seed);
        INDArray anchor = indices(r, MB);
        INDArray context = indices(r, MB);
        INDArray labelArr = labels(r, MB, nOut, Labels.HARD);
        INDArray maskArr = mask(r, MB, nOut, mask);

        INDArray logits = head == Head.OUTPUT_LAYER
                ? net.feedForward(new INDArray[] {anchor, context}, false).get("prod").mmul(
                        net.getParam("out_W")).addRowVector(net.getParam("out_b"))
                : net.feedForward(new INDArray[] {anchor, context}, false).get("prod");
        assertInsideClamp(logits);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {anchor, context}).labels(new INDArray[] {labelArr})
                .labelMask(maskArr == null ? null : new INDArray[] {maskArr}).epsilon(EPS)
                .maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
        assertTrue(ok, "gradient check failed for " + lossFn + " " + head + " " + act + " mask=" + mask);
    }

    /** The check must be able to fail: a loss whose gradient is 1% off is rejected on the same networks. */
    @Test
    void gradientCheckRejectsAWrongGradient() {
        ILossFunction wrong = new ScaledGradient(loss(Mode.EXACT, Weighting.WEIGHTED, N_OUT), 1.01);
        MultiLayerNetwork net = mln(Head.OUTPUT_LAYER, Activation.IDENTITY, wrong, 77);
        Random r = new Random(77);
        INDArray input = TestArrays.gaussian(r, MB, N_IN);
        INDArray labelArr = labels(r, MB, N_OUT, Labels.HARD);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(labelArr).epsilon(EPS).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(true));
        assertFalse(ok, "a gradient scaled by 1.01 passed the gradient check: the check is toothless");
    }

    /**
     * Which implementation DL4J's calls reach: on a CPU JVM with the vector module the arrays DL4J passes (plain
     * C-order buffers from its workspaces) take the fast path; with it switched off (the Portable subclass) or
     * unavailable, the portable ND4J path. Also checks that an unscaled delegating wrapper passes.
     */
    @Test
    void networkCallsTakeTheExpectedPath() {
        ScaledGradient recording = new ScaledGradient(loss(Mode.EXACT, Weighting.PLAIN, N_OUT), 1.0);
        MultiLayerNetwork net = mln(Head.OUTPUT_LAYER, Activation.SIGMOID, recording, 78);
        Random r = new Random(78);
        INDArray input = TestArrays.gaussian(r, MB, N_IN);
        INDArray labelArr = labels(r, MB, N_OUT, Labels.HARD);
        INDArray maskArr = mask(r, MB, N_OUT, Mask.PER_EXAMPLE);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(input)
                .labels(labelArr).labelMask(maskArr).epsilon(EPS).maxRelError(MAX_REL_ERROR)
                .minAbsoluteError(MIN_ABS_ERROR).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)));
        assertTrue(recording.calls > 0);
        assertEquals(FastPath.available() ? recording.calls : 0, recording.fastPathCalls,
                "calls taking the fast path (available: " + FastPath.available() + ")");
    }

    private static MultiLayerNetwork mln(Head head, Activation act, ILossFunction lossFn, long seed) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(seed).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .list();
        if (head == Head.OUTPUT_LAYER) {
            b.layer(new DenseLayer.Builder().nIn(N_IN).nOut(HIDDEN).activation(Activation.TANH).build())
                    .layer(new OutputLayer.Builder(lossFn).nIn(HIDDEN).nOut(N_OUT).activation(act).build());
        } else {
            b.layer(new DenseLayer.Builder().nIn(N_IN).nOut(N_OUT).activation(Activation.TANH).build())
                    .layer(new DenseLayer.Builder().nIn(N_OUT).nOut(N_OUT).activation(Activation.IDENTITY).build())
                    .layer(new LossLayer.Builder(lossFn).activation(act).build());
        }
        MultiLayerConfiguration conf = b.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static ComputationGraph graph(Head head, Activation act, ILossFunction lossFn, long seed) {
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(seed).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("anchor", "context")
                .addLayer("embA", new EmbeddingLayer.Builder().nIn(VOCAB).nOut(EMBED).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "anchor")
                .addLayer("embC", new EmbeddingLayer.Builder().nIn(VOCAB).nOut(EMBED).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "context")
                .addVertex("prod", new ElementWiseVertex(ElementWiseVertex.Op.Product), "embA", "embC");
        if (head == Head.OUTPUT_LAYER) {
            b.addLayer("out", new OutputLayer.Builder(lossFn).nIn(EMBED).nOut(N_OUT).activation(act).build(),
                    "prod");
        } else {
            b.addLayer("out", new LossLayer.Builder(lossFn).activation(act).build(), "prod");
        }
        ComputationGraph net = new ComputationGraph(b.setOutputs("out").build());
        net.init();
        return net;
    }

    /** Hard labels 0/1 (each row has both where possible) or soft labels in (0, 1). */
    private static INDArray labels(Random r, int mb, int n, Labels kind) {
        double[][] y = new double[mb][n];
        for (int i = 0; i < mb; i++) {
            for (int j = 0; j < n; j++) {
                y[i][j] = kind == Labels.HARD ? ((i + j + r.nextInt(2)) % 2) : 0.05 + 0.9 * r.nextDouble();
            }
        }
        return Nd4j.createFromArray(y);
    }

    /** Random 0/1 masks with at least one entry kept, or null. */
    private static INDArray mask(Random r, int mb, int n, Mask kind) {
        if (kind == Mask.NONE) {
            return null;
        }
        int cols = kind == Mask.PER_EXAMPLE ? 1 : n;
        double[][] m = new double[mb][cols];
        for (int i = 0; i < mb; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = r.nextInt(3) == 0 ? 0.0 : 1.0;
            }
        }
        m[0][0] = 1.0;
        m[1][0] = 0.0;
        return Nd4j.createFromArray(m);
    }

    private static INDArray indices(Random r, int mb) {
        double[][] idx = new double[mb][1];
        for (int i = 0; i < mb; i++) {
            idx[i][0] = r.nextInt(VOCAB);
        }
        return Nd4j.createFromArray(idx);
    }

    private static void assertLogitsInsideClamp(MultiLayerNetwork net, INDArray input, Head head) {
        List<INDArray> acts = net.feedForward(input, false);
        INDArray logits;
        if (head == Head.OUTPUT_LAYER) {
            logits = acts.get(1).mmul(net.getParam("1_W")).addRowVector(net.getParam("1_b"));
        } else {
            logits = acts.get(2); // the identity DenseLayer feeding the LossLayer
        }
        assertInsideClamp(logits);
    }

    /** The clamped mode (eps 1e-4) changes the gradient only at |x| >= 9.21: stay well inside. */
    private static void assertInsideClamp(INDArray logits) {
        double max = logits.amaxNumber().doubleValue();
        assertTrue(max < 6.0, "test setup: logits must stay well inside the clamp, max |x| = " + max);
        assertTrue(max > 0.05, "test setup: logits are all ~0, the check would be weak, max |x| = " + max);
    }

    /** A loss whose gradient is deliberately wrong by a factor, for the negative control. */
    private static final class ScaledGradient implements ILossFunction {
        private final ILossFunction inner;
        private final double factor;
        int calls;
        int fastPathCalls;

        private void record(INDArray labels, INDArray preOutput, INDArray mask) {
            calls++;
            if (FastPath.applies(labels, preOutput, mask)) {
                fastPathCalls++;
            }
        }

        ScaledGradient(ILossFunction inner, double factor) {
            this.inner = inner;
            this.factor = factor;
        }

        @Override
        public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                                   boolean average) {
            record(labels, preOutput, mask);
            return inner.computeScore(labels, preOutput, activationFn, mask, average);
        }

        @Override
        public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn,
                                          INDArray mask) {
            record(labels, preOutput, mask);
            return inner.computeScoreArray(labels, preOutput, activationFn, mask);
        }

        @Override
        public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn,
                                        INDArray mask) {
            record(labels, preOutput, mask);
            return inner.computeGradient(labels, preOutput, activationFn, mask).muli(factor);
        }

        @Override
        public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                              IActivation activationFn, INDArray mask,
                                                              boolean average) {
            return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                    computeGradient(labels, preOutput, activationFn, mask));
        }

        @Override
        public String name() {
            return "ScaledGradient";
        }
    }
}

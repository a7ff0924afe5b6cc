package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stableloss.dl4j.graph.DotProductVertex;
import org.stableloss.dl4j.samediff.SkipGramSameDiff;

/**
 * Empty inputs give defined results at every entry point: a sum over nothing is 0, so scores of rows without
 * outputs ({@code [mb, 0]}) are 0, an empty minibatch ({@code [0, n]}) scores 0, a dot product over {@code d = 0}
 * is 0, and every returned array has its documented shape. Each case runs outside any workspace and inside one
 * whose memory was just filled with {@value #GARBAGE}, so a result left uninitialised shows up.
 */
class EmptyOutputsTest {

    private static final double GARBAGE = 12345.0;
    private static final String WORKSPACE_ID = "EmptyOutputsTest";
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(1L << 20).policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE)
            .policySpill(SpillPolicy.REALLOCATE).build();

    /** FAST: the CPU fast path where it applies; PORTABLE: the ND4J path. */
    enum Path { FAST, PORTABLE }

    @AfterEach
    void restorePath() {
        System.clearProperty(FastPath.PROPERTY);
    }

    static Stream<Arguments> lossCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Path path : Path.values()) {
            for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (long[] shape : new long[][] {{3, 0}, {0, 4}}) {
                    for (boolean inWorkspace : new boolean[] {false, true}) {
                        cases.add(Arguments.of(path, dt, shape, inWorkspace));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} workspace={3}")
    @MethodSource("lossCases")
    void lossSkipGramScoresZeroAndShapesItsResults(Path path, DataType dt, long[] shape, boolean inWorkspace) {
        if (path == Path.PORTABLE) {
            System.setProperty(FastPath.PROPERTY, "false");
        }
        LossSkipGram loss = new LossSkipGram();
        ActivationIdentity identity = new ActivationIdentity();
        INDArray x = Nd4j.create(dt, shape);
        INDArray y = Nd4j.create(dt, shape);
        INDArray perExample = Nd4j.ones(dt, shape[0], 1);
        inScope(inWorkspace, dt, () -> {
            for (INDArray mask : new INDArray[] {null, perExample}) {
                String what = "mask " + (mask == null ? "none" : "per example");
                assertEquals(0.0, loss.computeScore(y, x, identity, mask, false), 0.0, "computeScore, " + what);
                assertEquals(0.0, loss.computeScore(y, x, identity, mask, true), 0.0, "averaged, " + what);
                assertZeros(new long[] {shape[0], 1}, dt, loss.computeScoreArray(y, x, identity, mask),
                        "computeScoreArray, " + what);
                assertZeros(shape, dt, loss.computeGradient(y, x, identity, mask), "computeGradient, " + what);
                Pair<Double, INDArray> both = loss.computeGradientAndScore(y, x, identity, mask, true);
                assertEquals(0.0, both.getFirst(), 0.0, "computeGradientAndScore score, " + what);
                assertZeros(shape, dt, both.getSecond(), "computeGradientAndScore gradient, " + what);
            }
        });
    }

    static Stream<Arguments> vertexShapes() {
        return Stream.of(
                Arguments.of(new long[] {3, 0}, new long[] {3, 0}),        // d = 0, one context
                Arguments.of(new long[] {0, 4}, new long[] {0, 4}),        // empty minibatch
                Arguments.of(new long[] {3, 0}, new long[] {3, 0, 5}),     // d = 0, K contexts
                Arguments.of(new long[] {3, 4}, new long[] {3, 4, 0}),     // K = 0
                Arguments.of(new long[] {0, 4}, new long[] {0, 4, 5}));    // empty minibatch, K contexts
    }

    static Stream<Arguments> vertexCases() {
        return vertexShapes().flatMap(a -> Stream.of(false, true)
                .map(inWorkspace -> Arguments.of(a.get()[0], a.get()[1], inWorkspace)));
    }

    @ParameterizedTest(name = "anchor {0} context {1} workspace={2}")
    @MethodSource("vertexCases")
    void dotProductVertexForwardAndBackward(long[] anchorShape, long[] contextShape, boolean inWorkspace) {
        DataType dt = DataType.FLOAT;
        GraphVertex vertex = new DotProductVertex().instantiate(null, "dot", 0, null, false, dt);
        LayerWorkspaceMgr mgr = inWorkspace
                ? LayerWorkspaceMgr.builder().defaultWorkspace(WORKSPACE_ID, WORKSPACE).build()
                : LayerWorkspaceMgr.noWorkspaces();
        long mb = anchorShape[0];
        long[] outShape = {mb, contextShape.length == 2 ? 1 : contextShape[2]};
        INDArray anchor = Nd4j.ones(dt, anchorShape);
        INDArray context = Nd4j.ones(dt, contextShape);
        INDArray epsilon = Nd4j.ones(dt, outShape);
        inScope(inWorkspace, dt, () -> {
            vertex.setInputs(anchor, context);
            assertZeros(outShape, dt, vertex.doForward(true, mgr), "forward");
            vertex.setEpsilon(epsilon);
            Pair<Gradient, INDArray[]> back = vertex.doBackward(false, mgr);
            assertZeros(anchorShape, dt, back.getSecond()[0], "anchor gradient");
            assertZeros(contextShape, dt, back.getSecond()[1], "context gradient");
        });
    }

    /** Through ComputationGraph.output, which refuses to start inside a caller's workspace and runs its own. */
    @ParameterizedTest(name = "anchor {0} context {1}")
    @MethodSource("vertexShapes")
    void dotProductVertexInAGraph(long[] anchorShape, long[] contextShape) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .graphBuilder().addInputs("a", "c").addVertex("dot", new DotProductVertex(), "a", "c")
                .setOutputs("dot").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        long[] outShape = {anchorShape[0], contextShape.length == 2 ? 1 : contextShape[2]};
        assertZeros(outShape, DataType.FLOAT, net.outputSingle(Nd4j.ones(DataType.FLOAT, anchorShape),
                Nd4j.ones(DataType.FLOAT, contextShape)), "graph output");
    }

    static Stream<Arguments> sameDiffCases() {
        List<Arguments> cases = new ArrayList<>();
        for (LossReduce reduce : LossReduce.values()) {
            for (long[] shape : new long[][] {{3, 0}, {0, 4}}) {
                cases.add(Arguments.of(reduce, shape));
            }
        }
        return cases.stream();
    }

    /**
     * SameDiff refuses empty variables ("Empty arrays cannot be used when creating variables"), so there is no
     * gradient to take, and it cannot allocate an empty op output inside a caller's workspace (ND4J: "Length must
     * be >= 1"); empty arrays are fed through placeholders outside any workspace (SameDiff manages its own
     * memory), and the loss is evaluated.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sameDiffCases")
    void sameDiffLossOfNothingIsZero(LossReduce reduce, long[] shape) {
        DataType dt = DataType.FLOAT;
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", dt, -1, shape[1]);
        SDVariable y = sd.placeHolder("y", dt, -1, shape[1]);
        SDVariable mask = sd.placeHolder("mask", dt, -1, 1);
        SkipGramSameDiff.loss(sd, "plain", x, y, null, reduce, new LossSkipGram());
        SkipGramSameDiff.loss(sd, "masked", x, y, mask, reduce, LossSkipGram.builder().clamped(1e-4).build());
        Map<String, INDArray> out = sd.output(Map.of("x", Nd4j.create(dt, shape), "y", Nd4j.create(dt, shape),
                "mask", Nd4j.ones(dt, shape[0], 1)), "plain", "masked");
        long[] outShape = reduce == LossReduce.NONE ? shape : new long[0];
        assertZeros(outShape, dt, out.get("plain"), "loss");
        assertZeros(outShape, dt, out.get("masked"), "masked clamped loss");
    }

    /**
     * {@code skipGram} with an empty minibatch scores 0; with no negatives (K = 0) it is the positive pairs' loss
     * alone, {@code softplus(-dot(anchor, positive))}. Scalar reductions only: with NONE, ND4J M2.1's reduction
     * along a dimension of an empty array fails inside SameDiff (a NullPointerException in BaseReduceOp.noOp).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("reductions")
    void sameDiffSkipGramWithoutExamplesOrNegatives(LossReduce reduce) {
        DataType dt = DataType.DOUBLE;
        for (long b : new long[] {0, 2}) {
            long k = b == 0 ? 3 : 0;
            SameDiff sd = SameDiff.create();
            SDVariable anchor = sd.placeHolder("anchor", dt, -1, 2);
            SDVariable positive = sd.placeHolder("positive", dt, -1, 2);
            SDVariable negatives = sd.placeHolder("negatives", dt, -1, k, 2);
            SDVariable negativeMask = sd.placeHolder("negativeMask", dt, -1, k);
            SkipGramSameDiff.skipGram(sd, "loss", anchor, positive, negatives, negativeMask, reduce,
                    new LossSkipGram());
            INDArray a = b == 0 ? Nd4j.create(dt, 0, 2) : Nd4j.createFromArray(new double[][] {{1, 2}, {-1, 0.5}});
            INDArray p = b == 0 ? Nd4j.create(dt, 0, 2) : Nd4j.createFromArray(new double[][] {{0.5, 1}, {3, -4}});
            INDArray out = sd.output(Map.of("anchor", a, "positive", p, "negatives", Nd4j.create(dt, b, k, 2),
                    "negativeMask", Nd4j.ones(dt, b, k)), "loss").get("loss");
            double[] expected = new double[(int) b];
            for (int i = 0; i < b; i++) {
                double dot = a.getRow(i).mul(p.getRow(i)).sumNumber().doubleValue();
                expected[i] = Math.max(-dot, 0) + Math.log1p(Math.exp(-Math.abs(dot)));
            }
            double sum = Arrays.stream(expected).sum();
            String what = reduce + " B=" + b + " K=" + k;
            double mean = b == 0 ? 0 : sum / b;
            assertEquals(reduce == LossReduce.SUM ? sum : mean, out.getDouble(0), 1e-15, what);
        }
    }

    static Stream<LossReduce> reductions() {
        return Stream.of(LossReduce.SUM, LossReduce.MEAN_BY_WEIGHT, LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT);
    }

    /**
     * Runs the body outside any workspace, or inside {@link #WORKSPACE} right after filling its memory with
     * {@link #GARBAGE} in the dtype (leaving and re-entering the workspace hands out the same memory again).
     */
    private static void inScope(boolean inWorkspace, DataType dt, Runnable body) {
        if (!inWorkspace) {
            body.run();
            return;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
            Nd4j.valueArrayOf(new long[] {1 << 16}, GARBAGE, dt);
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
            body.run();
        }
    }

    /** The array has the shape and dtype and holds only zeros (trivially true when it is empty). */
    private static void assertZeros(long[] shape, DataType dt, INDArray actual, String what) {
        assertArrayEquals(shape, actual.shape(), what + ": shape");
        assertEquals(dt, actual.dataType(), what + ": dtype");
        double[] values = actual.length() == 0 ? new double[0] : actual.castTo(DataType.DOUBLE).dup().ravel()
                .toDoubleVector();
        assertArrayEquals(new double[values.length], values, 0.0, what + ": values " + actual);
    }
}

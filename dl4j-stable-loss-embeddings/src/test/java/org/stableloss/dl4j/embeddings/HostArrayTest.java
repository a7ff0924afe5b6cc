package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** The host path reaches the arrays it is used on in training: parameter and gradient views, workspace arrays. */
class HostArrayTest {

    @Test
    void parameterAndGradientViewsOfANetworkAreHostArraysAtTheirOffsets() {
        ComputationGraph g = SkipGramNets.graph(20, 7, 3, 2, new SkipGramNets.Rows(RowOptimizer.ADAGRAD, 0.1, true),
                new NoOp(), DataType.FLOAT, true, 1);
        for (String layer : new String[] {"sampleEmb", "tagEmb"}) {
            for (String key : g.getLayer(layer).paramTable().keySet()) {
                INDArray p = g.getLayer(layer).getParam(key);
                HostArray h = HostArray.of(p);
                assertNotNull(h, layer + " " + key);
                long last = p.length() - 1;
                h.put(last, 42.5);
                assertEquals(42.5f, p.reshape(p.length()).getFloat(last), layer + " " + key);
                assertEquals(p.reshape(p.length()).getFloat(0), (float) h.get(0), layer + " " + key);
            }
        }
        g.initGradientsView();
        INDArray gradients = g.getLayer("tagEmb").getGradientsViewArray();
        HostArray h = HostArray.of(gradients.reshape(gradients.length()));
        assertNotNull(h);
        h.put(2, -3.5);
        assertEquals(-3.5f, gradients.reshape(gradients.length()).getFloat(2));
    }

    @Test
    void workspaceArraysAndDoublesAreHostArraysOthersAreNot() {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "HostArrayTest")) {
            INDArray a = Nd4j.createUninitialized(DataType.DOUBLE, 4, 3);
            HostArray h = HostArray.of(a);
            assertNotNull(h);
            h.put(5, 1.25);
            assertEquals(1.25, a.getDouble(1, 2));
        }
        assertNull(HostArray.of(Nd4j.create(DataType.HALF, 2, 2)));
        assertNull(HostArray.of(Nd4j.create(DataType.FLOAT, new long[] {3, 4}, 'f')));
    }
}

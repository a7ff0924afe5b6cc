package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link LossSkipGram#releaseThreadWorkspace()}: the portable path's per-thread workspace holds memory sized by the
 * thread's largest call until it is released, and a later call works and allocates afresh.
 */
@ExtendWith(PortablePath.class)
class ReleaseThreadWorkspaceTest {

    private static final String ID = "LossSkipGram";

    @Test
    void releasesTheMemoryAndLaterCallsStillWork() throws InterruptedException {
        onNewThread(() -> {
            INDArray x = Nd4j.randn(DataType.FLOAT, 256, 512);
            INDArray y = Nd4j.rand(DataType.FLOAT, 256, 512).gt(0.5).castTo(DataType.FLOAT);
            LossSkipGram loss = new LossSkipGram();
            double before = loss.computeScore(y, x, new ActivationIdentity(), null, false);
            assertTrue(Nd4j.getWorkspaceManager().checkIfWorkspaceExists(ID), "the call made the workspace");
            MemoryWorkspace ws = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(ID);
            assertTrue(ws.getCurrentSize() >= x.length() * 4L,
                    "the workspace holds at least one array of the call's size: " + ws.getCurrentSize());

            LossSkipGram.releaseThreadWorkspace();
            assertFalse(Nd4j.getWorkspaceManager().checkIfWorkspaceExists(ID), "released");
            assertEquals(0, ws.getCurrentSize(), "the released workspace holds no memory");

            assertEquals(before, loss.computeScore(y, x, new ActivationIdentity(), null, false), 0.0,
                    "a call after the release gives the same score");
            LossSkipGram.releaseThreadWorkspace();
            LossSkipGram.releaseThreadWorkspace();
            assertFalse(Nd4j.getWorkspaceManager().checkIfWorkspaceExists(ID), "releasing twice is harmless");
        });
    }

    @Test
    void aThreadWithoutAWorkspaceHasNothingToRelease() throws InterruptedException {
        onNewThread(() -> {
            assertFalse(Nd4j.getWorkspaceManager().checkIfWorkspaceExists(ID), "a new thread has none");
            LossSkipGram.releaseThreadWorkspace();
            assertFalse(Nd4j.getWorkspaceManager().checkIfWorkspaceExists(ID), "and releasing creates none");
        });
    }

    /** Runs {@code body} on a new thread (workspaces are per thread) and rethrows what it threw. */
    private static void onNewThread(Runnable body) throws InterruptedException {
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(body);
        worker.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
        worker.start();
        worker.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }
}

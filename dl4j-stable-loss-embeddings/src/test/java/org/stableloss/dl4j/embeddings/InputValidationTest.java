package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets an IllegalArgumentException that names the value; inputs are never modified. */
class InputValidationTest {

    private static void rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message \"" + e.getMessage() + "\" lacks \"" + f + "\"");
        }
    }

    @Test
    void pairData() {
        rejects(() -> PairData.of(new int[0], new int[0], 3, 3), "anchors", "0 pairs");
        rejects(() -> PairData.of(new int[] {0, 1}, new int[] {0}, 3, 3), "contexts", "(2)", "got 1");
        rejects(() -> PairData.of(new int[] {0, 5, 1, 9}, new int[] {0, 0, 0, 0}, 3, 3), "anchors",
                "[0, 3)", "got 5 at index 1", "(2 bad values)");
        rejects(() -> PairData.of(new int[] {0}, new int[] {-1}, 3, 3), "contexts", "got -1 at index 0");
        rejects(() -> PairData.of(new int[] {0}, new int[] {0}, 0, 3), "numAnchors", "got 0");
        rejects(() -> PairData.of(new int[] {0, 1}, new int[] {0, 1}, new float[] {1f, Float.NaN}, 3, 3),
                "weights", "NaN at index 1");
        rejects(() -> PairData.of(new int[] {0, 1}, new int[] {0, 1}, new float[] {-1f, 1f}, 3, 3), "weights",
                "-1.0 at index 0");
        rejects(() -> PairData.of(null, new int[] {0}, 3, 3), "anchors", "null");
        int[] anchors = {2, 1, 0};
        PairData d = PairData.of(anchors, new int[] {0, 1, 2}, 3, 3);
        anchors[0] = 7;
        assertEquals(2, d.anchor(0), "the pairs are a copy");
    }

    @Test
    void trainerSettings() {
        rejects(() -> PairTrainer.builder().dim(0), "dim", "got 0");
        rejects(() -> PairTrainer.builder().negatives(-1), "negatives", "got -1");
        rejects(() -> PairTrainer.builder().threads(0), "threads", "got 0");
        rejects(() -> PairTrainer.builder().threads(1000), "threads", "got 1000");
        rejects(() -> PairTrainer.builder().epochs(0), "epochs", "got 0");
        for (double lr : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            rejects(() -> PairTrainer.builder().learningRate(lr), "learningRate", "got " + lr);
        }
        rejects(() -> PairTrainer.builder().samplingExponent(Double.NaN), "samplingExponent", "NaN");
        rejects(() -> PairTrainer.builder().samplingWeights(new double[] {0, 0}), "samplingWeights");
        rejects(() -> PairTrainer.builder().samplingWeights(new double[] {1, -2}), "samplingWeights",
                "-2.0 at index 1");
        rejects(() -> PairTrainer.builder().loss(null), "loss", "null");
        rejects(() -> PairTrainer.builder().progressSeconds(0), "progressSeconds");
        PairTrainer trainer = PairTrainer.builder().dim(2).threads(1).epochs(1).build();
        PairData pairs = PairData.of(new int[] {0, 1}, new int[] {1, 0}, 2, 2);
        rejects(() -> trainer.train(pairs, PairData.of(new int[] {0}, new int[] {0}, 2, 3)), "heldOut",
                "2 anchors, 2 contexts", "got 2 and 3");
        EmbeddingTables wrong = EmbeddingTables.of(new float[6], 3, new float[4], 2, 2);
        rejects(() -> trainer.train(pairs, null, wrong), "initial", "[2, 2] and [2, 2]", "got [3, 2]");
        rejects(() -> PairTrainer.builder().samplingWeights(new double[] {1, 1, 1}).threads(1).build().train(pairs),
                "samplingWeights", "(2)", "got 3");
    }

    @Test
    void tables(@TempDir Path dir) throws Exception {
        EmbeddingTables t = EmbeddingTables.of(new float[] {1, 2, 3, 4}, 2, new float[] {0.5f, -1, 2, 0, 1, 1}, 3,
                2);
        assertEquals(1 * 2 + 2 * 0, t.score(0, 1));
        rejects(() -> t.score(2, 0), "anchor", "[0, 2)", "got 2");
        rejects(() -> t.score(0, -1), "context", "[0, 3)", "got -1");
        rejects(() -> t.contextRow(3), "context", "got 3");
        rejects(() -> EmbeddingTables.of(new float[] {1, Float.NaN}, 1, new float[] {1, 1}, 1, 2), "anchors",
                "NaN at row 0, column 1");
        rejects(() -> EmbeddingTables.of(new float[3], 2, new float[2], 1, 2), "anchors", "2 x 2 = 4", "got 3");
        Path file = dir.resolve("tables.bin");
        Files.writeString(file, "an older result");
        t.save(file);
        EmbeddingTables back = EmbeddingTables.load(file);
        assertArrayEquals(t.anchors(), back.anchors());
        assertArrayEquals(t.contexts(), back.contexts());
        assertEquals(t.dim(), back.dim());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        Files.writeString(file, "not tables at all");
        rejects(() -> EmbeddingTables.load(file), "magic");
    }
}

package org.stableloss.dl4j.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.stableloss.dl4j.embeddings.tags.TagData;

class EarlyStoppingTest {

    /** A scripted validation loss: best at epoch 3, then PATIENCE worse epochs. */
    @Test
    void stopsAfterPatienceAndRestoresTheBestEpoch() {
        double[] script = {5, 4, 3, 3.5, 3.2, 1, 0.5};
        List<Integer> trained = new ArrayList<>();
        List<String> events = new ArrayList<>();
        EarlyStopping.Outcome o = EarlyStopping.run("t", 0, trained::add,
                () -> script[trained.size() - 1], new EarlyStopping.Snapshot() {
                    @Override
                    public void save() {
                        events.add("save " + trained.size());
                    }

                    @Override
                    public void restore() {
                        events.add("restore");
                    }
                });
        assertEquals(List.of(0, 1, 2, 3, 4), trained);
        assertEquals(3, o.bestEpoch());
        assertEquals(5, o.epochsTrained());
        assertArrayEquals(new double[]{5, 4, 3, 3.5, 3.2}, o.validationLoss());
        assertEquals(List.of("save 1", "save 2", "save 3", "restore"), events);
    }

    @Test
    void fixedEpochsNeverAskForTheValidationLoss() {
        List<Integer> trained = new ArrayList<>();
        EarlyStopping.Outcome o = EarlyStopping.run("t", 3, trained::add, () -> {
            throw new AssertionError("validation loss asked for");
        }, null);
        assertEquals(List.of(0, 1, 2), trained);
        assertEquals(3, o.bestEpoch());
    }

    /** Validation pairs: a subset of the training pairs, disjoint from what is left, every sample keeps one. */
    @Test
    void carveKeepsEverySamplesLastPairInTraining() {
        TagData data = TagData.load(java.nio.file.Path.of("src/test/resources/debtags-small.tsv"));
        TagData.Split split = data.split(0.1, 42);
        TagData.Split carved = EarlyStopping.carve(split, 0.1, 7);
        Set<Long> original = pairs(split.train());
        Set<Long> left = pairs(carved.train());
        Set<Long> validation = pairs(carved.test());
        assertEquals(split.numTrain(), carved.numTrain() + carved.numTest());
        assertTrue(original.containsAll(left) && original.containsAll(validation));
        assertTrue(validation.stream().noneMatch(left::contains));
        double share = (double) carved.numTest() / split.numTrain();
        assertTrue(share > 0.05 && share < 0.12, "validation share " + share);
        Map<Integer, Integer> perSample = new HashMap<>();
        for (int s : carved.train()[0]) {
            perSample.merge(s, 1, Integer::sum);
        }
        for (int s : split.train()[0]) {
            assertTrue(perSample.getOrDefault(s, 0) >= 1, "sample " + s + " lost all training pairs");
        }
    }

    /**
     * TagEmbeddings without --epochs on the fixture: early-stopped, and better than the popularity baseline by the
     * margin TagEmbeddingsTest asks of 12 fixed epochs (AUC > 0.80; popularity gives 0.79 here).
     */
    @Test
    void tagEmbeddingsDefaultsStopOnValidationLoss(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = TagEmbeddings.run(new String[]{"--data", "src/test/resources/debtags-small.tsv", "--out",
            tmp.toString(), "--no-compare"}, new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(err));
        assertEquals(0, rc, err.toString());
        var m = new org.nd4j.shade.jackson.databind.ObjectMapper().readTree(tmp.resolve("metrics.json").toFile());
        assertTrue(m.get("config").get("early_stopping").asBoolean());
        int epochs = m.get("config").get("epochs").asInt();
        assertTrue(epochs >= 1 && epochs <= EarlyStopping.MAX_EPOCHS, "epochs " + epochs);
        double auc = m.get("runs").get(0).get("auc").asDouble();
        System.out.println("early-stopped epochs " + epochs + ", AUC " + auc);
        assertTrue(auc > 0.80 && auc > m.get("popularity_baseline").get("auc").asDouble(), "AUC " + auc);
    }

    private static Set<Long> pairs(int[][] cols) {
        Set<Long> set = new HashSet<>();
        for (int i = 0; i < cols[0].length; i++) {
            set.add((long) cols[0][i] << 32 | cols[1][i]);
        }
        return set;
    }
}

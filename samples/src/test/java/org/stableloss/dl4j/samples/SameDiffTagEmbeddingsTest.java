package org.stableloss.dl4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class SameDiffTagEmbeddingsTest {

    private static final Path FIXTURE = Path.of("src/test/resources/debtags-small.tsv");

    /**
     * Trains on the fixture (477 samples, 174 tags, 2,302 pairs; 151 held out) in a few seconds.
     *
     * <p>Bound: the held-out AUC is measured against random tags the sample does not have. Scoring a tag by its
     * training frequency alone gives 0.791 on this split (the "popularity" baseline, asserted below so that a change
     * of the fixture or split shows up here), and the SameDiff model measured 0.858 (hits@10 0.603 vs 0.497 for
     * popularity) with these settings (12 epochs, lr 0.01; TagEmbeddingsTest's DL4J model gets 0.876 with the same
     * ones). We require AUC > 0.80: above the no-model baseline, ~0.06 below what we measured (training is
     * deterministic for a seed on one machine; the margin covers other CPUs' float rounding), and with 151 x 10
     * comparisons a random scorer's AUC is 0.5 +- 0.025, so 0.80 is > 10 standard errors above chance. A broken
     * gradient (e.g. a wrong embedding look-up) leaves the model at chance: 4 epochs at lr 0.005 give 0.48 here.
     */
    @Test
    void learnsTheFixtureBetterThanPopularity() {
        SameDiffTagEmbeddings.Options o = SameDiffTagEmbeddings.Options.parse(
                new String[]{"--data", FIXTURE.toString(), "--epochs", "12", "--lr", "0.01"});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SameDiffTagEmbeddings.Result r = SameDiffTagEmbeddings.runJob(o,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(151, r.testPairs());
        assertEquals(0.791, r.popularityAuc(), 0.0005, printed);
        assertTrue(r.auc() > 0.80, "AUC " + r.auc() + "\n" + printed);
        assertTrue(r.auc() > r.popularityAuc(), printed);
        assertTrue(r.hitsAt10() > 0.5, "hits@10 " + r.hitsAt10() + "\n" + printed);
        double[] loss = r.epochLoss();
        assertEquals(13, loss.length);
        // logits start near 0: loss per pair ~ 6 log 2 = 4.159 (1 positive + 5 negatives)
        assertEquals(6 * Math.log(2), loss[0], 0.02);
        assertTrue(loss[12] < loss[0] / 2, "loss " + loss[0] + " -> " + loss[12]);
        assertTrue(printed.contains("AUC") && printed.contains("popularity"), printed);
    }

    @Test
    void helpAndBadOptions() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, SameDiffTagEmbeddings.run(new String[]{"--help"}, o, e));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--negatives"));
        assertEquals(2, SameDiffTagEmbeddings.run(new String[]{"--epochs", "0"}, o, e));
        assertEquals(2, SameDiffTagEmbeddings.run(new String[]{"--frobnicate", "1"}, o, e));
        assertEquals(1, SameDiffTagEmbeddings.run(new String[]{"--data", "no/such/file.tsv"}, o, e));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no/such/file.tsv"));
    }
}

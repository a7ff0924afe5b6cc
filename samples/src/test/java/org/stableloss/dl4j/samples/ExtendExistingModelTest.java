package org.stableloss.dl4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

class ExtendExistingModelTest {

    private static final Path FIXTURE = Path.of("src/test/resources/debtags-small.tsv");

    @TempDir
    Path tmp;

    private static CliRun run(String... args) {
        return CliRun.of(ExtendExistingModel::run, args);
    }

    /** The share of the fixture's samples in their most common main facet, counted from the file. */
    private static double majorityFacetShare() throws Exception {
        Map<String, Integer> perFacet = new HashMap<>();
        List<String> lines = Files.readAllLines(FIXTURE);
        int n = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Integer> c = new TreeMap<>();
            for (String tag : line.split("\t")[1].split(",")) {
                c.merge(tag.contains("::") ? tag.substring(0, tag.indexOf("::")) : tag, 1, Integer::sum);
            }
            int max = c.values().stream().max(Integer::compare).orElseThrow();
            String main = c.entrySet().stream().filter(e -> e.getValue() == max).findFirst().orElseThrow().getKey();
            perFacet.merge(main, 1, Integer::sum);
            n++;
        }
        return (double) perFacet.values().stream().max(Integer::compare).orElseThrow() / n;
    }

    /**
     * End to end with the default (early-stopped) epochs: trains and saves the existing model, extends it, and
     * writes metrics and chart; then a second run loads the saved model (--model) and must measure the same facet
     * accuracy before extension.
     */
    @Test
    void endToEndOnFixtureThenReloadsTheSavedModel() throws Exception {
        Path out = tmp.resolve("out");
        CliRun r = run("--data", FIXTURE.toString(), "--out", out.toString());
        assertEquals(0, r.rc(), r.err());
        assertTrue(Files.size(out.resolve("training-loss.png")) > 1000);
        assertTrue(Files.isRegularFile(out.resolve("facet-model.zip")));
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        double before = m.get("existing_model").get("facet_accuracy").asDouble();
        double majority = majorityFacetShare();
        assertTrue(before > majority, "facet accuracy " + before + " vs majority share " + majority);
        JsonNode runs = m.get("runs");
        assertEquals(2, runs.size());
        JsonNode sg = runs.get(0);
        assertEquals("skipgram", sg.get("run").asText());
        assertTrue(sg.get("auc").asDouble() > 0.75, "AUC " + sg.get("auc"));
        assertTrue(sg.get("facet_accuracy").asDouble() > majority, "facet accuracy after " + sg.get("facet_accuracy"));
        // both losses start from the same parameters and, with no logit near saturation (max |logit| ~7 here),
        // compute the same loss: the LossBinaryXENT head must rank tags the same to 3 decimals
        JsonNode xent = runs.get(1);
        assertEquals(sg.get("auc").asDouble(), xent.get("auc").asDouble(), 1e-3);
        assertTrue(sg.get("saturation").get("max_abs_logit").asDouble() < 17);
        JsonNode sat = sg.get("saturation");
        assertTrue(sat.get("pairs").asLong() > 0);
        assertEquals(0, sat.get("non_finite").asLong());

        CliRun again = run("--data", FIXTURE.toString(), "--out", tmp.resolve("out2").toString(), "--model",
                out.resolve("facet-model.zip").toString(), "--epochs", "1");
        assertEquals(0, again.rc(), again.err());
        JsonNode m2 = new ObjectMapper().readTree(tmp.resolve("out2").resolve("metrics.json").toFile());
        assertEquals(before, m2.get("existing_model").get("facet_accuracy").asDouble(), 0.0);
    }

    @Test
    void badInputIsReported() {
        CliRun missing = run("--data", FIXTURE.toString(), "--out", tmp.toString(), "--model",
                tmp.resolve("nope.zip").toString());
        assertEquals(1, missing.rc());
        assertTrue(missing.err().contains("nope.zip") && missing.err().contains("no such file"), missing.err());
        CliRun bad = run("--epochs", "0");
        assertEquals(2, bad.rc());
        assertTrue(bad.err().contains("--epochs must be a positive integer"), bad.err());
        CliRun help = run("--help");
        assertEquals(0, help.rc());
        assertTrue(help.out().contains("--model FILE"));
    }
}

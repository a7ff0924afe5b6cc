package org.stableloss.dl4j.embeddings.tags;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planted generator's structure, its file round trip, and the evaluation it is measured with. */
class PlantedTagDataTest {

    /** The topic that owns most of a sample's tags: at least 4 of its at most 5 tags share it. */
    private static int topicOf(TagData data, int s) {
        int[] count = new int[data.numTags() / PlantedTagData.TAGS_PER_TOPIC];
        int best = 0;
        for (int t : data.tagsOf(s)) {
            int topic = t / PlantedTagData.TAGS_PER_TOPIC;
            if (++count[topic] > count[best]) {
                best = topic;
            }
        }
        return best;
    }

    @Test
    void everySampleHasFourTagsOfOneTopicAndOneRandomTag() {
        TagData data = PlantedTagData.generate(2_000, 64, 7);
        assertEquals(2_000, data.numSamples());
        assertEquals(64, data.numTags());
        int fiveTags = 0;
        for (int s = 0; s < data.numSamples(); s++) {
            int[] tags = data.tagsOf(s);
            assertTrue(tags.length == 4 || tags.length == 5, "sample " + s + " has " + tags.length + " tags");
            int topic = topicOf(data, s);
            int inTopic = 0;
            for (int t : tags) {
                inTopic += t / PlantedTagData.TAGS_PER_TOPIC == topic ? 1 : 0;
            }
            assertTrue(inTopic >= 4, "sample " + s + ": " + inTopic + " tags of its topic");
            fiveTags += tags.length == 5 ? 1 : 0;
        }
        // the random tag falls among the sample's own 4 topic tags with probability 4/64
        assertEquals(2_000 * 60 / 64.0, fiveTags, 60, "samples with 5 distinct tags");
    }

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        TagData a = PlantedTagData.generate(500, 40, 1);
        TagData b = PlantedTagData.generate(500, 40, 1);
        TagData c = PlantedTagData.generate(500, 40, 2);
        boolean differs = false;
        for (int s = 0; s < 500; s++) {
            assertArrayEquals(a.tagsOf(s), b.tagsOf(s));
            differs |= !java.util.Arrays.equals(a.tagsOf(s), c.tagsOf(s));
        }
        assertTrue(differs);
    }

    @Test
    void writtenFileLoadsBackAsTheSameData(@TempDir Path dir) throws IOException {
        TagData data = PlantedTagData.generate(300, 24, 3);
        for (String name : new String[]{"planted.tsv", "planted.tsv.gz"}) {
            Path file = dir.resolve(name);
            PlantedTagData.write(data, file);
            TagData loaded = TagData.load(file);
            assertEquals(data.numSamples(), loaded.numSamples());
            for (int s = 0; s < data.numSamples(); s++) {
                assertEquals(data.sample(s), loaded.sample(s));
                int[] expected = data.tagsOf(s);
                int[] actual = loaded.tagsOf(s);
                assertEquals(expected.length, actual.length);
                for (int i = 0; i < expected.length; i++) {
                    assertTrue(loaded.hasTag(s, loaded.tagsOf(s)[i]));
                }
                java.util.Set<String> want = new java.util.TreeSet<>();
                java.util.Set<String> got = new java.util.TreeSet<>();
                for (int t : expected) {
                    want.add(data.tag(t));
                }
                for (int t : actual) {
                    got.add(loaded.tag(t));
                }
                assertEquals(want, got, "tags of " + data.sample(s));
            }
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left");
            }
        }
    }

    @Test
    void badSizesAreRejectedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PlantedTagData.generate(0, 64, 1));
        assertTrue(e.getMessage().contains("samples") && e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PlantedTagData.generate(10, 100, 1));
        assertTrue(e.getMessage().contains("tags") && e.getMessage().contains("got 100"), e.getMessage());
    }

    /**
     * An oracle that scores a tag 1 when it belongs to the sample's topic ranks every held-out topic tag in the top 10
     * (ties with the 4 topic tags the sample lacks) and no random tag: its hits@10 is the share of held-out topic tags,
     * counted here directly. Above {@link TagPairs#MAX_EVAL_PAIRS} held-out pairs, a subset is scored: the share
     * stays within sampling error.
     */
    @Test
    void oracleHitsAtTenIsTheShareOfHeldOutTopicTags() {
        for (int samples : new int[]{3_000, 40_000}) {
            TagData data = PlantedTagData.generate(samples, 64, 11);
            TagData.Split split = data.splitForEvaluation(0.2, 5);
            int[] topic = new int[samples];
            for (int s = 0; s < samples; s++) {
                topic[s] = topicOf(data, s);
            }
            double topicShare = 0;
            for (int i = 0; i < split.numTest(); i++) {
                int s = split.test()[0][i];
                topicShare += split.test()[1][i] / PlantedTagData.TAGS_PER_TOPIC == topic[s] ? 1 : 0;
            }
            topicShare /= split.numTest();
            TagPairs pairs = new TagPairs(data, split);
            TagPairs.Eval eval = pairs.evaluate((s, t) -> t / PlantedTagData.TAGS_PER_TOPIC == topic[s] ? 1 : 0, 5, 9);
            double tolerance = split.numTest() > TagPairs.MAX_EVAL_PAIRS ? 0.015 : 1e-12;
            assertEquals(topicShare, eval.hitsAt10(), tolerance, samples + " samples, " + split.numTest()
                    + " held-out pairs");
        }
    }
}

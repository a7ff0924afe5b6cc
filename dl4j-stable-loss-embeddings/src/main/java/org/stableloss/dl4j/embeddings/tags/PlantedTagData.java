package org.stableloss.dl4j.embeddings.tags;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Synthetic "samples with tags" data with a planted structure, for measuring how training scales with the number of
 * samples and tags: {@code tags / 8} topics each own 8 tags; every sample belongs to one topic (uniformly at random)
 * and carries 4 distinct tags of its topic's 8 plus 1 tag drawn uniformly from all tags (so 4 or 5 tags, about 5
 * pairs per sample). A model that learns the topics ranks a sample's held-out topic tags above the other tags:
 * filtered hits@10 near 1 for the topic tags, the random tag is not predictable.
 *
 * <p>Sample {@code s} is named {@code s<s>}, tag {@code t} {@code t<t>}; tag {@code t} belongs to topic {@code t / 8}.
 * Deterministic for a seed. Memory: the tag lists (about 40 bytes a sample) and the names, which are made on demand.
 */
public final class PlantedTagData {

    /** Tags per topic. */
    public static final int TAGS_PER_TOPIC = 8;
    /** Topic tags per sample. */
    public static final int TOPIC_TAGS_PER_SAMPLE = 4;

    private PlantedTagData() {
    }

    /**
     * Generates a data set.
     *
     * @param samples the number of samples, at least 1
     * @param tags    the number of tags, a positive multiple of {@value #TAGS_PER_TOPIC}
     * @param seed    the random seed
     * @return the data set, its source named {@code planted(samples=..., tags=..., seed=...)}
     * @throws IllegalArgumentException if {@code samples} or {@code tags} is out of range
     */
    public static TagData generate(int samples, int tags, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples: expected at least 1, got " + samples);
        }
        if (tags < TAGS_PER_TOPIC || tags % TAGS_PER_TOPIC != 0) {
            throw new IllegalArgumentException("tags: expected a positive multiple of " + TAGS_PER_TOPIC + ", got "
                    + tags);
        }
        int topics = tags / TAGS_PER_TOPIC;
        SplittableRandom rnd = new SplittableRandom(seed);
        int[][] tagsOf = new int[samples][];
        int[] picks = new int[TAGS_PER_TOPIC];
        for (int s = 0; s < samples; s++) {
            int topic = rnd.nextInt(topics);
            for (int j = 0; j < TAGS_PER_TOPIC; j++) {
                picks[j] = topic * TAGS_PER_TOPIC + j;
            }
            for (int j = 0; j < TOPIC_TAGS_PER_SAMPLE; j++) {
                int k = j + rnd.nextInt(TAGS_PER_TOPIC - j);
                int tmp = picks[j];
                picks[j] = picks[k];
                picks[k] = tmp;
            }
            int random = rnd.nextInt(tags);
            int[] own = Arrays.copyOf(picks, TOPIC_TAGS_PER_SAMPLE + 1);
            own[TOPIC_TAGS_PER_SAMPLE] = random;
            Arrays.sort(own);
            tagsOf[s] = dedupSorted(own);
        }
        String source = "planted(samples=" + samples + ", tags=" + tags + ", seed=" + seed + ")";
        return TagData.of(source, names("s", samples), names("t", tags), tagsOf);
    }

    /**
     * Writes a data set as {@code sample<TAB>tag1,tag2,...} lines (the format {@link TagData#load} reads), gzip when
     * the file name ends with {@code .gz}, atomically: to a temporary file in the same folder, then moved into place.
     *
     * @param data the data set
     * @param file the file to write
     * @throws IOException if writing fails (the target is then left as it was)
     */
    public static void write(TagData data, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream raw = Files.newOutputStream(tmp);
                 OutputStream out = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
                 BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
                for (int s = 0; s < data.numSamples(); s++) {
                    w.write(data.sample(s));
                    w.write('\t');
                    int[] t = data.tagsOf(s);
                    for (int i = 0; i < t.length; i++) {
                        if (i > 0) {
                            w.write(',');
                        }
                        w.write(data.tag(t[i]));
                    }
                    w.write('\n');
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static int[] dedupSorted(int[] a) {
        int n = 1;
        for (int i = 1; i < a.length; i++) {
            if (a[i] != a[n - 1]) {
                a[n++] = a[i];
            }
        }
        return n == a.length ? a : Arrays.copyOf(a, n);
    }

    /** {@code prefix + i} for i in [0, size), made when asked for. */
    private static List<String> names(String prefix, int size) {
        return new AbstractList<>() {
            @Override
            public String get(int i) {
                return prefix + i;
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}

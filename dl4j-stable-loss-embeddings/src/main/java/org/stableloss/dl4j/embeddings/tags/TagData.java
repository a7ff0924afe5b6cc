package org.stableloss.dl4j.embeddings.tags;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A "samples with tags" data set: {@code sample<TAB>tag1,tag2,...[<TAB>more columns]} per line, UTF-8, plain or
 * gzip (by the {@code .gz} suffix). Blank lines are skipped; a sample listed twice gets the union of its tags; the
 * third column, if any, is kept as the sample's description. Tags and samples are numbered in order of first
 * appearance.
 */
public final class TagData {

    /**
     * Where the bundled Debtags snapshot lives on the classpath: a resource of the samples' jar
     * ({@code org.stableloss:dl4j-stable-loss-samples}), which {@link #loadBundled()} needs at run time.
     */
    public static final String BUNDLED = "/org/stableloss/dl4j/samples/debtags.tsv.gz";

    /** A problem with the input that the user must fix: the message names the file (and line). */
    public static final class DataException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message what is wrong, naming the file (and line) */
        public DataException(String message) {
            super(message);
        }
    }

    private final String source;
    private final List<String> samples;
    private final List<String> descriptions;
    private final List<String> tags;
    /** tagsOf[s] = sorted tag ids of sample s. */
    private final int[][] tagsOf;

    private TagData(String source, List<String> samples, List<String> descriptions, List<String> tags,
                    int[][] tagsOf) {
        this.source = source;
        this.samples = samples;
        this.descriptions = descriptions;
        this.tags = tags;
        this.tagsOf = tagsOf;
    }

    /**
     * Loads the bundled Debtags snapshot (14,663 Debian packages, 488 tags).
     *
     * @return the data set
     * @throws DataException if the resource is not on the classpath or cannot be read
     */
    public static TagData loadBundled() {
        InputStream in = TagData.class.getResourceAsStream(BUNDLED);
        if (in == null) {
            throw new DataException("bundled data set " + BUNDLED + " not found on the classpath (it ships in"
                    + " org.stableloss:dl4j-stable-loss-samples)");
        }
        try (InputStream gz = new GZIPInputStream(in)) {
            return parse(gz, "debtags.tsv.gz (bundled)");
        } catch (IOException e) {
            throw new DataException("cannot read bundled data set " + BUNDLED + ": " + e.getMessage());
        }
    }

    /**
     * Loads a file; gzip when its name ends with {@code .gz}.
     *
     * @param file the file, in the format of {@link TagData}
     * @return the data set
     * @throws DataException if the file is missing, a directory, unreadable, not UTF-8, malformed or empty
     */
    public static TagData load(Path file) {
        if (Files.isDirectory(file)) {
            throw new DataException("cannot read " + file + ": it is a directory");
        }
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            return parse(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DataException("cannot read " + file + ": no such file");
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static TagData parse(InputStream in, String source) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        Map<String, Integer> sampleIds = new HashMap<>();
        Map<String, Integer> tagIds = new LinkedHashMap<>();
        List<String> samples = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        List<Set<Integer>> sampleTags = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
        int lineNo = 0;
        String line;
        while (true) {
            try {
                line = reader.readLine();
            } catch (CharacterCodingException e) {
                throw new DataException(source + ", line " + (lineNo + 1) + ": not valid UTF-8");
            }
            if (line == null) {
                break;
            }
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] cols = line.split("\t", -1);
            if (cols.length < 2) {
                throw malformed(source, lineNo, "expected sample<TAB>tag1,tag2,... but found no tab");
            }
            String sample = cols[0].strip();
            if (sample.isEmpty()) {
                throw malformed(source, lineNo, "empty sample name");
            }
            String tagField = cols[1].strip();
            if (tagField.isEmpty()) {
                throw malformed(source, lineNo, "no tags for sample '" + sample + "'");
            }
            Integer id = sampleIds.get(sample);
            if (id == null) {
                id = samples.size();
                sampleIds.put(sample, id);
                samples.add(sample);
                descriptions.add(cols.length > 2 ? cols[2].strip() : "");
                sampleTags.add(new LinkedHashSet<>());
            }
            String[] tagNames = tagField.split(",", -1);
            for (int i = 0; i < tagNames.length; i++) {
                String t = tagNames[i].strip();
                if (t.isEmpty()) {
                    throw malformed(source, lineNo, "empty tag (tag " + (i + 1) + " of '" + tagField + "')");
                }
                Integer tagId = tagIds.computeIfAbsent(t, k -> tagIds.size());
                sampleTags.get(id).add(tagId);
            }
        }
        if (samples.isEmpty()) {
            throw new DataException(source + ": empty data set (no sample<TAB>tags lines)");
        }
        int[][] tagsOf = new int[samples.size()][];
        for (int s = 0; s < tagsOf.length; s++) {
            tagsOf[s] = sampleTags.get(s).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return new TagData(source, List.copyOf(samples), List.copyOf(descriptions), List.copyOf(tagIds.keySet()),
                tagsOf);
    }

    /**
     * A data set made in memory, e.g. by {@link PlantedTagData}.
     *
     * @param source  what the data is, for messages
     * @param samples the sample names, index = sample id; not copied (a list that makes names on demand is fine)
     * @param tags    the tag names, index = tag id
     * @param tagsOf  per sample, its tag ids (each in [0, tags.size()), sorted, distinct, at least one); not copied
     * @return the data set
     * @throws IllegalArgumentException if the sizes disagree or a sample's tag list is empty, unsorted or out of range
     */
    public static TagData of(String source, List<String> samples, List<String> tags, int[][] tagsOf) {
        if (samples.isEmpty() || samples.size() != tagsOf.length) {
            throw new IllegalArgumentException("samples: expected a non-empty list with one entry per row of tagsOf ("
                    + tagsOf.length + "), got " + samples.size());
        }
        for (int s = 0; s < tagsOf.length; s++) {
            int[] t = tagsOf[s];
            for (int i = 0; i < t.length; i++) {
                if (t[i] < 0 || t[i] >= tags.size() || (i > 0 && t[i] <= t[i - 1])) {
                    throw new IllegalArgumentException("tagsOf[" + s + "]: expected sorted distinct tag ids in [0, "
                            + tags.size() + "), got " + Arrays.toString(t));
                }
            }
            if (t.length == 0) {
                throw new IllegalArgumentException("tagsOf[" + s + "]: expected at least one tag, got none");
            }
        }
        return new TagData(source, Collections.unmodifiableList(samples), Collections.nCopies(samples.size(), ""),
                Collections.unmodifiableList(tags), tagsOf);
    }

    private static DataException malformed(String source, int lineNo, String what) {
        return new DataException(source + ", line " + lineNo + ": malformed line: " + what);
    }

    /** @return where the data came from: a file name, or the bundled resource's name */
    public String source() {
        return source;
    }

    /** @return the number of samples; sample ids are 0 .. numSamples() - 1 */
    public int numSamples() {
        return samples.size();
    }

    /** @return the number of distinct tags; tag ids are 0 .. numTags() - 1 */
    public int numTags() {
        return tags.size();
    }

    /**
     * @param s the sample id, in [0, numSamples())
     * @return the name of sample s
     */
    public String sample(int s) {
        return samples.get(s);
    }

    /**
     * @param s the sample id, in [0, numSamples())
     * @return the one-line description of sample s (empty when the data has none)
     */
    public String description(int s) {
        return descriptions.get(s);
    }

    /**
     * @param t the tag id, in [0, numTags())
     * @return the name of tag t
     */
    public String tag(int t) {
        return tags.get(t);
    }

    /**
     * @param s the sample id, in [0, numSamples())
     * @return the sorted tag ids of sample s (do not modify)
     */
    public int[] tagsOf(int s) {
        return tagsOf[s];
    }

    /**
     * @param s the sample id, in [0, numSamples())
     * @param t the tag id
     * @return whether sample s has tag t
     */
    public boolean hasTag(int s, int t) {
        return Arrays.binarySearch(tagsOf[s], t) >= 0;
    }

    /**
     * @param name the sample's name, exactly as in the data
     * @return the id of the sample with this name, or -1
     */
    public int indexOfSample(String name) {
        return samples.indexOf(name);
    }

    /** @return the number of (sample, tag) pairs */
    public long numPairs() {
        long n = 0;
        for (int[] t : tagsOf) {
            n += t.length;
        }
        return n;
    }

    /**
     * The data of a {@code --data} option: the file, or the bundled snapshot when the option is absent.
     *
     * @param path the file, or null
     * @return the data set
     * @throws DataException if the data cannot be loaded
     */
    public static TagData loadOrBundled(String path) {
        return path == null ? loadBundled() : load(Paths.get(path));
    }

    /**
     * {@link #split} for a training run that is evaluated on the held-out pairs.
     *
     * @param fraction the probability of holding out a pair beyond the sample's first, in [0, 1]
     * @param seed     the random seed
     * @return the split, with at least one held-out pair
     * @throws DataException when no pair is held out or there is only one tag, so there is nothing to evaluate
     */
    public Split splitForEvaluation(double fraction, long seed) {
        Split split = split(fraction, seed);
        if (split.numTest() == 0) {
            throw new DataException(source() + ": too little data to hold any pair out for evaluation ("
                    + numSamples() + " samples, " + numPairs() + " pairs; samples need 2+ tags)");
        }
        if (numTags() < 2) {
            throw new DataException(source() + ": only one distinct tag, nothing to rank");
        }
        return split;
    }

    /**
     * Splits the pairs into training and held-out pairs: each sample keeps one random tag for training, and each of
     * its other tags is held out with probability {@code fraction}. Deterministic for a seed.
     *
     * @param fraction the probability of holding out a pair beyond the sample's first, in [0, 1]
     * @param seed     the random seed
     * @return the split
     */
    public Split split(double fraction, long seed) {
        Random rnd = new Random(seed);
        List<int[]> train = new ArrayList<>();
        List<int[]> test = new ArrayList<>();
        for (int s = 0; s < tagsOf.length; s++) {
            int[] t = tagsOf[s].clone();
            for (int i = t.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int tmp = t[i];
                t[i] = t[j];
                t[j] = tmp;
            }
            train.add(new int[]{s, t[0]});
            for (int i = 1; i < t.length; i++) {
                (rnd.nextDouble() < fraction ? test : train).add(new int[]{s, t[i]});
            }
        }
        return new Split(toArray(train), toArray(test));
    }

    private static int[][] toArray(List<int[]> pairs) {
        int[][] a = new int[2][pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            a[0][i] = pairs.get(i)[0];
            a[1][i] = pairs.get(i)[1];
        }
        return a;
    }

    /** Training and held-out pairs as parallel arrays {@code [0] = sample ids, [1] = tag ids}. */
    public record Split(int[][] train, int[][] test) {
        /** @return the number of training pairs */
        public int numTrain() {
            return train[0].length;
        }

        /** @return the number of held-out pairs */
        public int numTest() {
            return test[0].length;
        }
    }
}

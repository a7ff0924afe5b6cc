package org.stableloss.dl4j.samples;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stableloss.dl4j.embeddings.tags.TagData;

/**
 * The classification task of {@link ExtendExistingModel} on a {@link TagData}: each sample's description words
 * (bag of words over a vocabulary of the {@link #MAX_WORDS} most frequent words seen at least twice, lower case,
 * letters and digits, 2+ characters) and its main facet (the part of a tag before {@code ::}, most common among the
 * sample's tags; ties to the facet first in alphabetical order; a tag without {@code ::} is its own facet).
 */
final class FacetData {

    /** Vocabulary size limit: it fixes the model's input size. */
    static final int MAX_WORDS = 1000;

    private final List<String> words;
    private final int[][] wordsOf;
    private final List<String> facets;
    private final int[] facetOf;

    private FacetData(List<String> words, int[][] wordsOf, List<String> facets, int[] facetOf) {
        this.words = words;
        this.wordsOf = wordsOf;
        this.facets = facets;
        this.facetOf = facetOf;
    }

    static FacetData of(TagData data) {
        int n = data.numSamples();
        Map<String, Integer> counts = new HashMap<>();
        List<List<String>> tokens = new ArrayList<>(n);
        for (int s = 0; s < n; s++) {
            List<String> t = tokenize(data.description(s));
            tokens.add(t);
            for (String w : t) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        List<String> vocab = counts.entrySet().stream().filter(e -> e.getValue() >= 2)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_WORDS).map(Map.Entry::getKey).toList();
        Map<String, Integer> wordId = new HashMap<>();
        for (int i = 0; i < vocab.size(); i++) {
            wordId.put(vocab.get(i), i);
        }
        int[][] wordsOf = new int[n][];
        for (int s = 0; s < n; s++) {
            wordsOf[s] = tokens.get(s).stream().filter(wordId::containsKey).mapToInt(wordId::get).toArray();
        }
        TreeMap<String, Integer> facetIds = new TreeMap<>();
        String[] main = new String[n];
        for (int s = 0; s < n; s++) {
            Map<String, Integer> c = new TreeMap<>();
            for (int t : data.tagsOf(s)) {
                String tag = data.tag(t);
                int cut = tag.indexOf("::");
                c.merge(cut > 0 ? tag.substring(0, cut) : tag, 1, Integer::sum);
            }
            main[s] = c.entrySet().stream().max(Comparator.comparingInt(Map.Entry<String, Integer>::getValue)
                    .thenComparing(Map.Entry.<String, Integer>comparingByKey().reversed())).orElseThrow().getKey();
            facetIds.put(main[s], 0);
        }
        List<String> facets = List.copyOf(facetIds.keySet());
        Map<String, Integer> facetId = new HashMap<>();
        for (int i = 0; i < facets.size(); i++) {
            facetId.put(facets.get(i), i);
        }
        int[] facetOf = new int[n];
        for (int s = 0; s < n; s++) {
            facetOf[s] = facetId.get(main[s]);
        }
        return new FacetData(vocab, wordsOf, facets, facetOf);
    }

    private static List<String> tokenize(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (w.length() >= 2) {
                out.add(w);
            }
        }
        return new ArrayList<>(out);
    }

    int numWords() {
        return words.size();
    }

    int numFacets() {
        return facets.size();
    }

    String facet(int f) {
        return facets.get(f);
    }

    int facetOf(int sample) {
        return facetOf[sample];
    }

    /** Bag-of-words rows [samples.length, numWords], FLOAT, 1 where the description has the word. */
    INDArray words(int[] samples) {
        float[] v = new float[samples.length * numWords()];
        for (int i = 0; i < samples.length; i++) {
            for (int w : wordsOf[samples[i]]) {
                v[i * numWords() + w] = 1;
            }
        }
        return Nd4j.create(v, new long[]{samples.length, numWords()}, 'c');
    }

    /** One-hot facets [samples.length, numFacets], FLOAT. */
    INDArray facets(int[] samples) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, samples.length, numFacets());
        for (int i = 0; i < samples.length; i++) {
            y.putScalar(i, facetOf[samples[i]], 1);
        }
        return y;
    }
}

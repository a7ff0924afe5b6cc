package org.stableloss.dl4j.benchmarks.scale;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.models.embeddings.inmemory.InMemoryLookupTable;
import org.deeplearning4j.models.embeddings.learning.ElementsLearningAlgorithm;
import org.deeplearning4j.models.embeddings.learning.impl.elements.SkipGram;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.text.sentenceiterator.CollectionSentenceIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.stableloss.dl4j.embeddings.ExactSkipGram;
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.tags.TagPairs;

/**
 * One peer of {@link ScaleReport}: DL4J's own {@code Word2Vec} (deeplearning4j-nlp 1.0.0-M2.1) trained on the training
 * pairs of a tag data set as two-token sentences {@code "s<sample> t<tag>"} (window 1, 5 negatives, no subsampling,
 * no hierarchical softmax, dim 32), with DL4J's built-in {@code SkipGram} algorithm or this project's
 * {@link ExactSkipGram}; then scored like the tag model,
 * {@code score(s, t) = dot(syn0[s], syn1Neg[t])}, with {@link TagPairs#evaluate}. Same split as the samples' job
 * ({@code splitForEvaluation(0.1, seed)}).
 *
 * <p>Run by {@link ScaleReport} in its own JVM:
 * {@code Word2VecPeer DATA_FILE EPOCHS THREADS SEED METRICS_JSON [builtin|exact]}.
 */
public final class Word2VecPeer {

    private Word2VecPeer() {
    }

    /**
     * @param args data file, epochs, worker threads, seed, the metrics file to write, and optionally the algorithm
     *             ({@code builtin}, the default, or {@code exact})
     * @throws IOException if the metrics cannot be written
     */
    public static void main(String[] args) throws IOException {
        TagData data = TagData.load(new File(args[0]).toPath());
        int epochs = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        TagData.Split split = data.splitForEvaluation(0.1, seed);
        List<String> lines = new ArrayList<>(split.numTrain());
        for (int i = 0; i < split.numTrain(); i++) {
            lines.add(data.sample(split.train()[0][i]) + " " + data.tag(split.train()[1][i]));
        }
        java.util.Collections.shuffle(lines, new java.util.Random(seed));
        ElementsLearningAlgorithm<VocabWord> algorithm = args.length > 5 && args[5].equals("exact")
                ? new ExactSkipGram<>() : new SkipGram<>();
        Word2Vec vec = new Word2Vec.Builder()
                .minWordFrequency(1).layerSize(32).windowSize(1).negativeSample(5).useHierarchicSoftmax(false)
                .sampling(0).workers(threads).epochs(epochs).iterations(1).seed(seed)
                .elementsLearningAlgorithm(algorithm)
                .iterate(new CollectionSentenceIterator(lines)).tokenizerFactory(new DefaultTokenizerFactory())
                .build();
        long t0 = System.nanoTime();
        vec.fit();
        double seconds = (System.nanoTime() - t0) / 1e9;
        InMemoryLookupTable<?> table = (InMemoryLookupTable<?>) vec.lookupTable();
        float[][] syn0 = TagPairs.rows(table.getSyn0());
        float[][] syn1 = TagPairs.rows(table.getSyn1Neg());
        int[] sampleRow = new int[data.numSamples()];
        int[] tagRow = new int[data.numTags()];
        for (int s = 0; s < sampleRow.length; s++) {
            sampleRow[s] = vec.vocab().indexOf(data.sample(s));
        }
        for (int t = 0; t < tagRow.length; t++) {
            tagRow[t] = vec.vocab().indexOf(data.tag(t));
        }
        TagPairs pairs = new TagPairs(data, split);
        TagPairs.Eval eval = pairs.evaluate((s, t) -> sampleRow[s] < 0 || tagRow[t] < 0 ? Double.NaN
                : TagPairs.dot(syn0[sampleRow[s]], syn1[tagRow[t]]), 10, seed + 1);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("algorithm", algorithm.getClass().getName());
        m.put("epochs", epochs);
        m.put("train_seconds", seconds);
        m.put("train_pairs_per_second", (double) split.numTrain() * epochs / seconds);
        m.put("auc", eval.auc());
        m.put("hits_at_10", eval.hitsAt10());
        new ObjectMapper().writeValue(new File(args[4]), m);
    }
}

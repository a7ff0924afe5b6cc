package org.stableloss.dl4j.embeddings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.deeplearning4j.models.embeddings.learning.ElementsLearningAlgorithm;
import org.deeplearning4j.models.embeddings.learning.impl.elements.SkipGram;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.text.sentenceiterator.CollectionSentenceIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;

/**
 * DL4J's Word2Vec with {@link ExactSkipGram} against its built-in {@code SkipGram} on the same corpus, interleaved:
 * {@code java ... Word2VecBench LINES WORDS_PER_LINE WINDOW EPOCHS WORKERS ROUNDS}. Lines hold words of one of 20
 * topics (5 words each); prints lines/s and the share of each word's 4 nearest words in its topic. A repeatable
 * main, not a test.
 */
public final class Word2VecBench {

    private Word2VecBench() {
    }

    public static void main(String[] args) {
        int lines = Integer.parseInt(args[0]);
        int words = Integer.parseInt(args[1]);
        int window = Integer.parseInt(args[2]);
        int epochs = Integer.parseInt(args[3]);
        int workers = Integer.parseInt(args[4]);
        int rounds = Integer.parseInt(args[5]);
        SplittableRandom rng = new SplittableRandom(4);
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            int topic = rng.nextInt(20);
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < words; j++) {
                sb.append(j == 0 ? "" : " ").append("t").append(topic).append("w").append(rng.nextInt(5));
            }
            corpus.add(sb.toString());
        }
        for (int round = 0; round < rounds; round++) {
            for (boolean exact : new boolean[] {true, false}) {
                ElementsLearningAlgorithm<VocabWord> algorithm = exact ? new ExactSkipGram<>() : new SkipGram<>();
                Word2Vec w2v = new Word2Vec.Builder().minWordFrequency(1).layerSize(32).windowSize(window)
                        .negativeSample(5).useHierarchicSoftmax(false).sampling(0).epochs(epochs).seed(7)
                        .workers(workers).learningRate(0.025).iterate(new CollectionSentenceIterator(corpus))
                        .tokenizerFactory(new DefaultTokenizerFactory()).elementsLearningAlgorithm(algorithm).build();
                long t0 = System.nanoTime();
                w2v.fit();
                double s = (System.nanoTime() - t0) / 1e9;
                int hits = 0;
                int total = 0;
                for (int t = 0; t < 20; t++) {
                    for (int w = 0; w < 5; w++) {
                        for (String near : w2v.wordsNearest("t" + t + "w" + w, 4)) {
                            hits += near.startsWith("t" + t + "w") ? 1 : 0;
                            total++;
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "RESULT %s lines=%d words=%d window=%d epochs=%d workers=%d"
                                + " fit_s=%.2f lines/s=%.0f topic_precision=%.3f%n",
                        exact ? "ExactSkipGram" : "SkipGram", lines, words, window, epochs, workers, s,
                        (double) lines * epochs / s, (double) hits / total);
            }
        }
    }
}

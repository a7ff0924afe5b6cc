package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;

import org.deeplearning4j.models.embeddings.inmemory.InMemoryLookupTable;
import org.deeplearning4j.models.embeddings.learning.ElementsLearningAlgorithm;
import org.deeplearning4j.models.embeddings.learning.impl.elements.SkipGram;
import org.deeplearning4j.models.embeddings.loader.VectorsConfiguration;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.models.word2vec.wordstore.inmemory.AbstractCache;
import org.deeplearning4j.text.sentenceiterator.CollectionSentenceIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.stableloss.dl4j.LossSkipGram;

/** ExactSkipGram's update against LossSkipGram, and inside DL4J's Word2Vec. */
class ExactSkipGramTest {

    private static final int DIM = 4;

    /** A configured algorithm over 4 words with known rows. */
    private static ExactSkipGram<VocabWord> configured(LossSkipGram loss, InMemoryLookupTable<VocabWord> table) {
        AbstractCache<VocabWord> cache = new AbstractCache.Builder<VocabWord>().build();
        for (int i = 0; i < 4; i++) {
            VocabWord w = new VocabWord(10 + i, "w" + i);
            w.setIndex(i);
            cache.addToken(w);
            cache.addWordToIndex(i, "w" + i);
        }
        VectorsConfiguration conf = new VectorsConfiguration();
        conf.setNegative(2);
        conf.setUseHierarchicSoftmax(false);
        conf.setLayersSize(DIM);
        conf.setWindow(1);
        table.setVocab(cache);
        table.setNegative(2);
        table.setUseHS(false);
        table.resetWeights(true);
        ExactSkipGram<VocabWord> algorithm = new ExactSkipGram<>(loss);
        algorithm.configure(cache, table, conf);
        return algorithm;
    }

    @Test
    void onePairsUpdateIsLossSkipGramsGradient() {
        for (LossSkipGram loss : List.of(new LossSkipGram(), LossSkipGram.builder().clamped(0.05).build(),
                LossSkipGram.builder().positiveWeight(3.0).negativeWeight(0.25).build())) {
            InMemoryLookupTable<VocabWord> table = new InMemoryLookupTable.Builder<VocabWord>().vectorLength(DIM)
                    .cache(new AbstractCache.Builder<VocabWord>().build()).build();
            ExactSkipGram<VocabWord> algorithm = configured(loss, table);
            INDArray syn0 = table.getSyn0();
            INDArray syn1 = table.getSyn1Neg();
            syn0.assign(Nd4j.createFromArray(new float[][] {{0.3f, -1.2f, 0.7f, 2.0f}, {1, 1, 1, 1}, {0, 0, 0, 0},
                    {0, 0, 0, 0}}));
            syn1.assign(Nd4j.createFromArray(new float[][] {{0, 0, 0, 0}, {-0.5f, 0.25f, 1.5f, -0.75f},
                    {0.9f, 0.1f, -0.4f, 0.6f}, {-20f, -20f, 20f, 0f}}));
            INDArray a = syn0.getRow(0).dup();
            INDArray c = syn1.dup();
            float rate = 0.01f;
            // anchor w0, positive w1, negatives w2 and w3 (w3 at logit 0.3*-20 + -1.2*-20 + 0.7*20 = 32: confidently wrong)
            double loss0 = algorithm.update(0, 1, new int[] {2, 3}, 2, rate, new float[DIM]);
            INDArray logits = Nd4j.createFromArray(new double[][] {{
                a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).mul(c.getRow(1)).sumNumber().doubleValue(),
                a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).mul(c.getRow(2)).sumNumber().doubleValue(),
                a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).mul(c.getRow(3)).sumNumber().doubleValue()}});
            INDArray labels = Nd4j.createFromArray(new double[][] {{1, 0, 0}});
            INDArray g = loss.computeGradient(labels, logits, new ActivationIdentity(), null);
            assertEquals(loss.computeScore(labels, logits, new ActivationIdentity(), null, false), loss0,
                    1e-5 * Math.max(1, loss0), loss.toString());
            for (int j = 0; j < DIM; j++) {
                double expectedAnchor = a.getDouble(j);
                for (int k = 0; k < 3; k++) {
                    double gk = g.getDouble(0, k);
                    double expected = c.getDouble(k + 1, j) - rate * gk * a.getDouble(j);
                    assertEquals(expected, syn1.getDouble(k + 1, j), 1e-6 * Math.max(1, Math.abs(expected)),
                            loss + " context " + (k + 1));
                    expectedAnchor -= rate * gk * c.getDouble(k + 1, j);
                }
                assertEquals(expectedAnchor, syn0.getDouble(0, j), 1e-6 * Math.max(1, Math.abs(expectedAnchor)),
                        loss + " anchor");
            }
            if (loss.getMode() == LossSkipGram.Mode.EXACT && loss.getNegativeWeight() == 1) {
                // the confidently wrong negative moved by the full rate * anchor (DL4J's table: also saturated at 1)
                assertEquals(c.getDouble(3, 0) - rate * a.getDouble(0), syn1.getDouble(3, 0), 1e-6);
            }
        }
    }

    /** Lines of 6 words of one topic (20 topics of 5 words). */
    private static Collection<String> topicCorpus() {
        SplittableRandom rng = new SplittableRandom(4);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            int topic = rng.nextInt(20);
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < 6; j++) {
                sb.append(j == 0 ? "" : " ").append("t").append(topic).append("w").append(rng.nextInt(5));
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    private static Word2Vec word2vec(ElementsLearningAlgorithm<VocabWord> algorithm) {
        Word2Vec w2v = new Word2Vec.Builder().minWordFrequency(1).layerSize(16).windowSize(2).negativeSample(5)
                .useHierarchicSoftmax(false).sampling(0).epochs(3).seed(7).workers(1).learningRate(0.05)
                .iterate(new CollectionSentenceIterator(topicCorpus())).tokenizerFactory(new DefaultTokenizerFactory())
                .elementsLearningAlgorithm(algorithm).build();
        w2v.fit();
        return w2v;
    }

    /** The share of each word's 4 nearest words (DL4J's wordsNearest, cosine on syn0) that share its topic. */
    private static double topicPrecision(Word2Vec w2v) {
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
        return (double) hits / total;
    }

    @Test
    void trainsInsideWord2VecAsWellAsTheBuiltInSkipGram() {
        double exact = topicPrecision(word2vec(new ExactSkipGram<>()));
        double builtIn = topicPrecision(word2vec(new SkipGram<>()));
        // chance: 4 of the other 99 words share a topic, 4%
        assertTrue(builtIn > 0.8, "built-in SkipGram: " + builtIn);
        assertTrue(exact > builtIn - 0.05, "ExactSkipGram: " + exact + ", built-in " + builtIn);
    }

    @Test
    void refusesConfigurationsItCannotTrain() {
        InMemoryLookupTable<VocabWord> table = new InMemoryLookupTable.Builder<VocabWord>().vectorLength(DIM)
                .cache(new AbstractCache.Builder<VocabWord>().build()).build();
        VectorsConfiguration conf = new VectorsConfiguration();
        conf.setLayersSize(DIM);
        conf.setNegative(0);
        conf.setUseHierarchicSoftmax(false);
        ExactSkipGram<VocabWord> algorithm = new ExactSkipGram<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> algorithm.configure(new AbstractCache.Builder<VocabWord>().build(), table, conf));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
        conf.setNegative(5);
        conf.setUseHierarchicSoftmax(true);
        e = assertThrows(IllegalArgumentException.class,
                () -> algorithm.configure(new AbstractCache.Builder<VocabWord>().build(), table, conf));
        assertTrue(e.getMessage().contains("useHierarchicSoftmax"), e.getMessage());
        LossSkipGram weighted = LossSkipGram.builder().weights(Nd4j.createFromArray(1.0, 2.0)).build();
        assertThrows(IllegalArgumentException.class, () -> new ExactSkipGram<VocabWord>(weighted));
    }
}

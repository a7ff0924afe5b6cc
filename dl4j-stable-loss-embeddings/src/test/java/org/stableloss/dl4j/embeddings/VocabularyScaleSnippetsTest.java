package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.deeplearning4j.models.embeddings.loader.WordVectorSerializer;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.text.sentenceiterator.CollectionSentenceIterator;
import org.deeplearning4j.text.sentenceiterator.SentenceIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.graph.DotProductVertex;

/** The snippets of docs/vocabulary-scale.md, compiled and run. */
class VocabularyScaleSnippetsTest {

    @Test
    void pairTrainerSnippet(@TempDir Path dir) throws Exception {
        PlantedPairs planted = new PlantedPairs(6_000, 0.08, 5);
        int numSamples = planted.numSamples;
        int numTags = PlantedPairs.TAGS;
        int[] sampleIds = new int[planted.train.size()];
        int[] tagIds = new int[planted.train.size()];
        for (int i = 0; i < sampleIds.length; i++) {
            sampleIds[i] = planted.train.anchor(i);
            tagIds[i] = planted.train.context(i);
        }
        int sampleId = planted.heldOut.anchor(0);
        int tagId = planted.heldOut.context(0);

        PairData pairs = PairData.of(sampleIds, tagIds, numSamples, numTags);
        PairTrainer trainer = PairTrainer.builder()
                .dim(32)
                .negatives(5)
                .threads(1)
                .epochs(20)
                .seed(42)
                .build();
        PairTrainer.Result result = trainer.train(pairs);
        EmbeddingTables tables = result.tables();
        double logit = tables.score(sampleId, tagId);
        tables.save(dir.resolve("tables.bin"));

        assertEquals(20, result.epochsTrained());
        assertTrue(Double.isFinite(logit));
        assertTrue(planted.hitsAt10(tables) > 0.7, "hits@10 " + planted.hitsAt10(tables));
        assertArrayEquals(tables.anchors(), EmbeddingTables.load(dir.resolve("tables.bin")).anchors());
    }

    @Test
    void networkSnippet(@TempDir Path dir) throws Exception {
        int numSamples = 50;
        int numTags = 10;
        int negatives = 5;
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT).updater(new Adam(0.01)).graphBuilder()
                .addInputs("sample", "tags")
                .addLayer("sampleEmb", new EmbeddingLayer.Builder().nIn(numSamples).nOut(32).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "sample")
                .addLayer("tagEmb", new EmbeddingSequenceLayer.Builder().nIn(numTags).nOut(32).hasBias(false)
                        .inputLength(negatives + 1).activation(Activation.IDENTITY).build(), "tags")
                .addVertex("dot", new DotProductVertex(), "sampleEmb", "tagEmb")
                .addLayer("loss", new LossLayer.Builder(new LossSkipGram()).activation(Activation.IDENTITY).build(),
                        "dot")
                .setOutputs("loss").build());
        graph.init();
        int[] s = new int[numSamples];
        int[] t = new int[numSamples];
        List<String> tagNames = new ArrayList<>();
        for (int i = 0; i < numSamples; i++) {
            s[i] = i;
            t[i] = i % numTags;
        }
        for (int i = 0; i < numTags; i++) {
            tagNames.add("tag" + i);
        }
        PairData pairs = PairData.of(s, t, numSamples, numTags);
        PairTrainer trainer = PairTrainer.builder().threads(1).epochs(2).build();
        EmbeddingTables tables = trainer.train(pairs).tables();
        File file = dir.resolve("tags.zip").toFile();

        DL4JTables.copyInto(tables, graph);
        EmbeddingTables fromNetwork = DL4JTables.fromGraph(graph);
        PairTrainer.Result more = trainer.train(pairs, null, fromNetwork);
        Word2Vec tagVectors = DL4JTables.toWordVectors(tables, DL4JTables.Side.CONTEXTS, tagNames);
        WordVectorSerializer.writeWord2VecModel(tagVectors, file);

        assertArrayEquals(tables.contexts(), fromNetwork.contexts());
        assertEquals(2, more.epochsTrained());
        assertArrayEquals(tables.contextRow(3), WordVectorSerializer.readWord2VecModel(file)
                .getWordVectorMatrix("tag3").toFloatVector());
    }

    @Test
    void word2vecSnippet() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            lines.add("alpha beta gamma delta".substring(0, 5 + (i % 3) * 5) + " epsilon");
        }
        SentenceIterator sentences = new CollectionSentenceIterator(lines);

        Word2Vec w2v = new Word2Vec.Builder()
                .minWordFrequency(1)
                .layerSize(32)
                .windowSize(2)
                .negativeSample(5)
                .useHierarchicSoftmax(false)
                .elementsLearningAlgorithm(new ExactSkipGram<>())
                .iterate(sentences)
                .tokenizerFactory(new DefaultTokenizerFactory())
                .build();
        w2v.fit();

        assertTrue(w2v.hasWord("epsilon"));
        assertEquals(32, w2v.getWordVector("epsilon").length);
    }
}

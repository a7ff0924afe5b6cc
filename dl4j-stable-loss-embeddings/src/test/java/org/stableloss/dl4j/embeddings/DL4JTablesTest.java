package org.stableloss.dl4j.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.deeplearning4j.models.embeddings.loader.WordVectorSerializer;
import org.deeplearning4j.models.embeddings.wordvectors.WordVectors;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.graph.DotProductVertex;

/** Tables out to DL4J's word vectors and a ComputationGraph's embedding layers, and back. */
class DL4JTablesTest {

    private static final int SAMPLES = 7;
    private static final int TAGS = 5;
    private static final int DIM = 3;
    private static final int K = 2;

    private static EmbeddingTables randomTables(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = new float[SAMPLES * DIM];
        float[] c = new float[TAGS * DIM];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) rng.nextGaussian();
        }
        return EmbeddingTables.of(a, SAMPLES, c, TAGS, DIM);
    }

    private static List<String> labels(String prefix, int n) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            labels.add(prefix + i);
        }
        return labels;
    }

    /** The tag model's graph (samples' TagEmbeddings#buildGraph). */
    private static ComputationGraph tagGraph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Adam(0.01)).graphBuilder().addInputs("sample", "tags")
                .addLayer(DL4JTables.SAMPLE_LAYER, new EmbeddingLayer.Builder().nIn(SAMPLES).nOut(DIM).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "sample")
                .addLayer(DL4JTables.TAG_LAYER, new EmbeddingSequenceLayer.Builder().nIn(TAGS).nOut(DIM)
                        .hasBias(false).inputLength(K + 1).activation(Activation.IDENTITY).build(), "tags")
                .addVertex("dot", new DotProductVertex(), DL4JTables.SAMPLE_LAYER, DL4JTables.TAG_LAYER)
                .addLayer("loss", new LossLayer.Builder(new LossSkipGram()).activation(Activation.IDENTITY).build(),
                        "dot")
                .setOutputs("loss").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    void wordVectorsRoundTripThroughWordVectorSerializer(@TempDir Path dir) throws Exception {
        EmbeddingTables tables = randomTables(1);
        List<String> tags = labels("tag", TAGS);
        Word2Vec vectors = DL4JTables.toWordVectors(tables, DL4JTables.Side.CONTEXTS, tags);
        for (int t = 0; t < TAGS; t++) {
            assertArrayEquals(tables.contextRow(t), vectors.getWordVectorMatrix("tag" + t).toFloatVector());
        }
        File zip = dir.resolve("tags.zip").toFile();
        WordVectorSerializer.writeWord2VecModel(vectors, zip);
        WordVectors read = WordVectorSerializer.readWord2VecModel(zip);
        assertArrayEquals(tables.contexts(), DL4JTables.rows(read, tags));
        File txt = dir.resolve("samples.txt").toFile();
        List<String> samples = labels("s", SAMPLES);
        WordVectorSerializer.writeWordVectors(DL4JTables.toWordVectors(tables, DL4JTables.Side.ANCHORS, samples),
                txt);
        assertArrayEquals(tables.anchors(), DL4JTables.rows(WordVectorSerializer.readWord2VecModel(txt), samples));
        // DL4J's own cosine similarity on the exported vectors
        float[] x = tables.contextRow(0);
        float[] y = tables.contextRow(1);
        double cos = dot(x, y) / Math.sqrt(dot(x, x) * dot(y, y));
        assertEquals(cos, vectors.similarity("tag0", "tag1"), 1e-6);
    }

    @Test
    void graphRoundTripScoresLikeTheTables(@TempDir Path dir) throws Exception {
        EmbeddingTables tables = randomTables(2);
        ComputationGraph g = tagGraph();
        DL4JTables.copyInto(tables, g);
        // DL4J's forward pass scores a sample against K + 1 tags as the tables do
        INDArray sample = Nd4j.createFromArray(new float[][] {{3}, {6}});
        INDArray tagIds = Nd4j.createFromArray(new float[][] {{0, 4, 2}, {1, 1, 3}});
        INDArray logits = g.outputSingle(sample, tagIds);
        for (int r = 0; r < 2; r++) {
            for (int k = 0; k <= K; k++) {
                assertEquals(tables.score(sample.getInt(r, 0), tagIds.getInt(r, k)), logits.getDouble(r, k), 1e-5);
            }
        }
        File file = dir.resolve("graph.zip").toFile();
        ModelSerializer.writeModel(g, file, true);
        EmbeddingTables back = DL4JTables.fromGraph(ModelSerializer.restoreComputationGraph(file));
        assertArrayEquals(tables.anchors(), back.anchors());
        assertArrayEquals(tables.contexts(), back.contexts());
        // a network's tables go into the trainer and train on
        PairTrainer trainer = PairTrainer.builder().dim(DIM).threads(1).epochs(1).negatives(K).build();
        PairData pairs = PairData.of(new int[] {0, 1, 2}, new int[] {1, 2, 3}, SAMPLES, TAGS);
        EmbeddingTables trained = trainer.train(pairs, null, back).tables();
        assertArrayEquals(tables.anchorRow(6), trained.anchorRow(6));
        assertTrue(tables.score(0, 1) < trained.score(0, 1), "a trained positive pair scores higher");
    }

    @Test
    void badArgumentsAreNamed() {
        EmbeddingTables tables = randomTables(3);
        ComputationGraph g = tagGraph();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DL4JTables.copyInto(tables, g, DL4JTables.TAG_LAYER, DL4JTables.SAMPLE_LAYER));
        assertTrue(e.getMessage().contains("[7, 3]") && e.getMessage().contains("[5, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DL4JTables.fromGraph(g, "nope", DL4JTables.TAG_LAYER));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DL4JTables.fromGraph(g, "loss", DL4JTables.TAG_LAYER));
        assertTrue(e.getMessage().contains("\"W\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DL4JTables.toWordVectors(tables, DL4JTables.Side.CONTEXTS, List.of("a", "b", "c", "a", "e")));
        assertTrue(e.getMessage().contains("\"a\" again at index 3"), e.getMessage());
        Word2Vec v = DL4JTables.toWordVectors(tables, DL4JTables.Side.CONTEXTS, labels("t", TAGS));
        e = assertThrows(IllegalArgumentException.class, () -> DL4JTables.rows(v, List.of("t1", "zz")));
        assertTrue(e.getMessage().contains("\"zz\" at index 1"), e.getMessage());
    }

    private static double dot(float[] x, float[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }
}

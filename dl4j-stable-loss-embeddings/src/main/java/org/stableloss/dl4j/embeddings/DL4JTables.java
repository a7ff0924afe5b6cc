package org.stableloss.dl4j.embeddings;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.deeplearning4j.models.embeddings.inmemory.InMemoryLookupTable;
import org.deeplearning4j.models.embeddings.loader.WordVectorSerializer;
import org.deeplearning4j.models.embeddings.wordvectors.WordVectors;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.models.word2vec.wordstore.VocabCache;
import org.deeplearning4j.models.word2vec.wordstore.inmemory.AbstractCache;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves {@link EmbeddingTables} between the pair trainer and DL4J: out as {@link WordVectors} (a {@code Word2Vec}
 * that {@link WordVectorSerializer} saves and reads), and into and out of the embedding layers of a
 * {@link ComputationGraph} (the tag model's "sampleEmb" and "tagEmb", or any layer whose parameter "W" is a
 * {@code [V, dim]} table: {@code EmbeddingLayer}, {@code EmbeddingSequenceLayer}, row-sparse layers), so the trained
 * tables score, save with {@code ModelSerializer} and fine-tune with {@code fit()}, and a network's tables can be
 * loaded back into the trainer ({@link PairTrainer#train(PairData, PairData, EmbeddingTables)}).
 */
public final class DL4JTables {

    /** The tag model's anchor (sample) embedding layer. */
    public static final String SAMPLE_LAYER = "sampleEmb";
    /** The tag model's context (tag) embedding layer. */
    public static final String TAG_LAYER = "tagEmb";
    /** The parameter key of an embedding layer's table. */
    public static final String TABLE_PARAM = "W";

    private DL4JTables() {
    }

    /** Which of the two tables. */
    public enum Side {
        /** The anchor table (word2vec's input vectors, syn0). */
        ANCHORS,
        /** The context table (word2vec's output vectors, syn1Neg). */
        CONTEXTS
    }

    /**
     * One table as DL4J word vectors: row {@code i} becomes the vector of {@code labels.get(i)}. Save it with
     * {@code WordVectorSerializer.writeWord2VecModel(vectors, file)} (or {@code writeWordVectors} for the text
     * format); {@code wordsNearest} and {@code similarity} work on it.
     *
     * @param tables the tables
     * @param side   which table
     * @param labels one distinct, non-null, non-empty label per row
     * @return the vectors (a {@code Word2Vec} holding a FLOAT {@code [V, dim]} syn0 and a vocabulary in row order)
     * @throws IllegalArgumentException for a null argument, a label count other than the table's rows, or a null,
     *                                  empty or repeated label
     */
    public static Word2Vec toWordVectors(EmbeddingTables tables, Side side, List<String> labels) {
        Args.notNull(tables, "tables");
        Args.notNull(side, "side");
        Args.notNull(labels, "labels");
        boolean anchors = side == Side.ANCHORS;
        int rows = anchors ? tables.numAnchors() : tables.numContexts();
        Args.check(labels.size() == rows, "labels: expected one label per %s row (%d), got %d",
                side.name().toLowerCase(java.util.Locale.ROOT), rows, labels.size());
        AbstractCache<VocabWord> cache = new AbstractCache.Builder<VocabWord>().build();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < rows; i++) {
            String label = labels.get(i);
            Args.check(label != null && !label.isEmpty(), "labels: expected non-empty labels, got %s at index %d",
                    label == null ? "null" : "\"\"", i);
            Args.check(seen.add(label), "labels: expected distinct labels, got \"%s\" again at index %d", label, i);
            VocabWord word = new VocabWord(1.0, label);
            word.setIndex(i);
            cache.addToken(word);
            cache.addWordToIndex(i, label);
            cache.putVocabWord(label);
        }
        InMemoryLookupTable<VocabWord> table = (InMemoryLookupTable<VocabWord>) new InMemoryLookupTable.Builder<VocabWord>()
                .vectorLength(tables.dim()).cache(cache).build();
        float[] values = anchors ? tables.anchorsView() : tables.contextsView();
        table.setSyn0(Nd4j.createFromArray(values).reshape('c', rows, tables.dim()));
        return WordVectorSerializer.fromPair(Pair.makePair((InMemoryLookupTable) table, (VocabCache) cache));
    }

    /**
     * The vectors of the given labels as one row-major table, e.g. to build {@link EmbeddingTables} from word vectors
     * read with {@link WordVectorSerializer}.
     *
     * @param vectors word vectors
     * @param labels  the labels whose vectors make the rows, in row order
     * @return {@code [labels.size(), vectors' layer size]} row-major values
     * @throws IllegalArgumentException for a null argument, no labels, or a label the vectors do not hold
     */
    public static float[] rows(WordVectors vectors, List<String> labels) {
        Args.notNull(vectors, "vectors");
        Args.notNull(labels, "labels");
        Args.check(!labels.isEmpty(), "labels: expected at least one label, got none");
        int dim = (int) vectors.lookupTable().layerSize();
        float[] out = new float[Math.multiplyExact(labels.size(), dim)];
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            Args.check(label != null && vectors.hasWord(label),
                    "labels: expected words the vectors hold, got unknown \"%s\" at index %d", label, i);
            float[] row = vectors.getWordVectorMatrix(label).castTo(DataType.FLOAT).toFloatVector();
            Args.check(row.length == dim, "vectors: expected rows of %d values, got %d for \"%s\"", dim, row.length,
                    label);
            System.arraycopy(row, 0, out, i * dim, dim);
        }
        return out;
    }

    /**
     * Copies the tables into the tag model's layers "sampleEmb" (anchors) and "tagEmb" (contexts).
     *
     * @param tables the tables
     * @param graph  a graph whose two layers have "W" parameters of the tables' shapes
     * @throws IllegalArgumentException as {@link #copyInto(EmbeddingTables, ComputationGraph, String, String)}
     */
    public static void copyInto(EmbeddingTables tables, ComputationGraph graph) {
        copyInto(tables, graph, SAMPLE_LAYER, TAG_LAYER);
    }

    /**
     * Copies the anchor table into layer {@code anchorLayer}'s parameter "W" and the context table into
     * {@code contextLayer}'s, in the parameters' own dtype and order (the graph's updater state is left alone).
     *
     * @param tables       the tables
     * @param graph        the graph
     * @param anchorLayer  the name of a layer whose "W" is {@code [numAnchors, dim]}
     * @param contextLayer the name of a layer whose "W" is {@code [numContexts, dim]}
     * @throws IllegalArgumentException for a null argument, a missing layer, a layer without "W", or a shape other
     *                                  than the table's
     */
    public static void copyInto(EmbeddingTables tables, ComputationGraph graph, String anchorLayer,
                                String contextLayer) {
        Args.notNull(tables, "tables");
        INDArray anchors = table(graph, anchorLayer, tables.numAnchors(), tables.dim());
        INDArray contexts = table(graph, contextLayer, tables.numContexts(), tables.dim());
        anchors.assign(Nd4j.createFromArray(tables.anchorsView()).reshape('c', tables.numAnchors(), tables.dim()));
        contexts.assign(Nd4j.createFromArray(tables.contextsView()).reshape('c', tables.numContexts(),
                tables.dim()));
    }

    /**
     * Reads the tag model's layers "sampleEmb" (anchors) and "tagEmb" (contexts).
     *
     * @param graph the graph
     * @return a copy of the two tables, in FLOAT
     * @throws IllegalArgumentException as {@link #fromGraph(ComputationGraph, String, String)}
     */
    public static EmbeddingTables fromGraph(ComputationGraph graph) {
        return fromGraph(graph, SAMPLE_LAYER, TAG_LAYER);
    }

    /**
     * Reads two layers' "W" tables, e.g. to continue training a network's embeddings with the pair trainer.
     *
     * @param graph        the graph
     * @param anchorLayer  the name of a layer whose "W" is {@code [numAnchors, dim]}
     * @param contextLayer the name of a layer whose "W" is {@code [numContexts, dim]} (the same dim)
     * @return a copy of the two tables, in FLOAT
     * @throws IllegalArgumentException for a null argument, a missing layer, a layer without a 2-D "W", tables of
     *                                  different widths, or non-finite values
     */
    public static EmbeddingTables fromGraph(ComputationGraph graph, String anchorLayer, String contextLayer) {
        INDArray anchors = table(graph, anchorLayer, -1, -1);
        INDArray contexts = table(graph, contextLayer, -1, anchors.columns());
        return EmbeddingTables.of(rowMajor(anchors), anchors.rows(), rowMajor(contexts), contexts.rows(),
                (int) anchors.columns());
    }

    private static float[] rowMajor(INDArray w) {
        return w.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** The layer's "W", checked to be {@code [rows, cols]} where those are not -1. */
    private static INDArray table(ComputationGraph graph, String layerName, long rows, long cols) {
        Args.notNull(graph, "graph");
        Args.notNull(layerName, "layer name");
        Args.check(graph.getConfiguration().getVertices().containsKey(layerName) && graph.getVertex(layerName).hasLayer(),
                "layer \"%s\": expected a layer of the graph, which has %s", layerName,
                Arrays.toString(Arrays.stream(graph.getLayers()).map(l -> l.getConfig().getLayerName()).toArray()));
        Layer layer = graph.getLayer(layerName);
        Args.check(layer.paramTable().containsKey(TABLE_PARAM),
                "layer \"%s\": expected a parameter \"%s\" (an embedding table), got parameters %s", layerName,
                TABLE_PARAM, layer.paramTable().keySet());
        INDArray w = layer.getParam(TABLE_PARAM);
        Args.check(w.rank() == 2 && (rows < 0 || w.rows() == rows) && (cols < 0 || w.columns() == cols),
                "layer \"%s\": expected \"%s\" of shape [%s, %s], got %s", layerName, TABLE_PARAM,
                rows < 0 ? "V" : rows, cols < 0 ? "dim" : cols, Arrays.toString(w.shape()));
        return w;
    }
}

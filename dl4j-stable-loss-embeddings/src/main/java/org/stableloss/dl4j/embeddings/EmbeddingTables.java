package org.stableloss.dl4j.embeddings;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Two trained embedding tables, anchors {@code [numAnchors, dim]} and contexts {@code [numContexts, dim]}, row-major
 * {@code float}: row {@code i} of a table is elements {@code [i * dim, (i + 1) * dim)}. The model's score of a pair
 * is the dot product of the anchor's row and the context's row (the logit of {@link org.stableloss.dl4j.LossSkipGram}).
 *
 * <p>Immutable and thread-safe: the factory and the accessors copy. Memory: {@code 4 * (numAnchors + numContexts) *
 * dim} bytes.
 */
public final class EmbeddingTables {

    /** First bytes of a saved file: "SLET" (stable-loss embedding tables), then the format version. */
    private static final int MAGIC = 0x534C4554;
    private static final int VERSION = 1;

    private final float[] anchors;
    private final float[] contexts;
    private final int numAnchors;
    private final int numContexts;
    private final int dim;

    /** Takes ownership of the arrays (no copy): for the trainer and the loaders of this package. */
    EmbeddingTables(float[] anchors, int numAnchors, float[] contexts, int numContexts, int dim) {
        this.anchors = anchors;
        this.contexts = contexts;
        this.numAnchors = numAnchors;
        this.numContexts = numContexts;
        this.dim = dim;
    }

    /**
     * Tables from row-major arrays (copied).
     *
     * @param anchors     {@code numAnchors * dim} finite values, row-major
     * @param numAnchors  anchor rows, {@code >= 1}
     * @param contexts    {@code numContexts * dim} finite values, row-major
     * @param numContexts context rows, {@code >= 1}
     * @param dim         the embedding dimension, {@code >= 1}
     * @return the tables
     * @throws IllegalArgumentException for a null array, a size below 1, an array of the wrong length or a
     *                                  non-finite value
     */
    public static EmbeddingTables of(float[] anchors, int numAnchors, float[] contexts, int numContexts, int dim) {
        Args.inRange(dim, 1, Integer.MAX_VALUE, "dim");
        Args.inRange(numAnchors, 1, Integer.MAX_VALUE, "numAnchors");
        Args.inRange(numContexts, 1, Integer.MAX_VALUE, "numContexts");
        checkTable(anchors, numAnchors, dim, "anchors");
        checkTable(contexts, numContexts, dim, "contexts");
        return new EmbeddingTables(anchors.clone(), numAnchors, contexts.clone(), numContexts, dim);
    }

    private static void checkTable(float[] table, int rows, int dim, String name) {
        Args.notNull(table, name);
        Args.check(table.length == (long) rows * dim, "%s: expected %d x %d = %d values, got %d", name, rows, dim,
                (long) rows * dim, table.length);
        for (int i = 0; i < table.length; i++) {
            Args.check(Float.isFinite(table[i]), "%s: expected finite values, got %s at row %d, column %d", name,
                    table[i], i / dim, i % dim);
        }
    }

    /** @return the embedding dimension */
    public int dim() {
        return dim;
    }

    /** @return the number of anchor rows */
    public int numAnchors() {
        return numAnchors;
    }

    /** @return the number of context rows */
    public int numContexts() {
        return numContexts;
    }

    /** @return a copy of the anchor table, {@code [numAnchors, dim]} row-major */
    public float[] anchors() {
        return anchors.clone();
    }

    /** @return a copy of the context table, {@code [numContexts, dim]} row-major */
    public float[] contexts() {
        return contexts.clone();
    }

    /**
     * @param anchor an anchor id
     * @return a copy of its row, length {@code dim}
     * @throws IllegalArgumentException for an id out of range
     */
    public float[] anchorRow(int anchor) {
        checkAnchor(anchor);
        float[] row = new float[dim];
        System.arraycopy(anchors, anchor * dim, row, 0, dim);
        return row;
    }

    /**
     * @param context a context id
     * @return a copy of its row, length {@code dim}
     * @throws IllegalArgumentException for an id out of range
     */
    public float[] contextRow(int context) {
        checkContext(context);
        float[] row = new float[dim];
        System.arraycopy(contexts, context * dim, row, 0, dim);
        return row;
    }

    /**
     * The model's logit for one pair: the dot product of the two rows, summed in double.
     *
     * @param anchor  an anchor id in [0, numAnchors)
     * @param context a context id in [0, numContexts)
     * @return the logit
     * @throws IllegalArgumentException for an id out of range
     */
    public double score(int anchor, int context) {
        checkAnchor(anchor);
        checkContext(context);
        return Rows.dot(anchors, anchor * dim, contexts, context * dim, dim);
    }

    /**
     * The logits of one anchor against every context, e.g. to rank the contexts.
     *
     * @param anchor an anchor id in [0, numAnchors)
     * @param out    receives {@code numContexts} logits
     * @throws IllegalArgumentException for an id out of range or an array of another length
     */
    public void scoreAll(int anchor, double[] out) {
        checkAnchor(anchor);
        Args.notNull(out, "out");
        Args.check(out.length == numContexts, "out: expected length %d (numContexts), got %d", numContexts,
                out.length);
        int a = anchor * dim;
        for (int c = 0; c < numContexts; c++) {
            out[c] = Rows.dot(anchors, a, contexts, c * dim, dim);
        }
    }

    private void checkAnchor(int anchor) {
        Args.check(anchor >= 0 && anchor < numAnchors, "anchor: expected an id in [0, %d), got %d", numAnchors,
                anchor);
    }

    private void checkContext(int context) {
        Args.check(context >= 0 && context < numContexts, "context: expected an id in [0, %d), got %d", numContexts,
                context);
    }

    /** The anchor table itself (no copy), for this package's readers. */
    float[] anchorsView() {
        return anchors;
    }

    /** The context table itself (no copy), for this package's readers. */
    float[] contextsView() {
        return contexts;
    }

    /**
     * Writes the tables to {@code file} atomically: into a temporary file in the same directory, then moved over
     * {@code file}, so an interrupted save leaves the previous file (or none), never a partial one. Format: big-endian
     * int magic "SLET", int version 1, ints numAnchors, numContexts, dim, then the anchor and context tables as
     * floats.
     *
     * @param file the destination; its directory must exist
     * @throws IOException when writing or moving fails (the temporary file is removed)
     */
    public void save(Path file) throws IOException {
        Args.notNull(file, "file");
        Path target = file.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp);
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(VERSION);
                out.writeInt(numAnchors);
                out.writeInt(numContexts);
                out.writeInt(dim);
                for (float v : anchors) {
                    out.writeFloat(v);
                }
                for (float v : contexts) {
                    out.writeFloat(v);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads tables written by {@link #save}.
     *
     * @param file the file
     * @return the tables
     * @throws IOException              when reading fails or the file ends early
     * @throws IllegalArgumentException when the file is not a tables file of a known version or holds bad sizes
     */
    public static EmbeddingTables load(Path file) throws IOException {
        Args.notNull(file, "file");
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
            int magic = in.readInt();
            Args.check(magic == MAGIC, "file %s: expected an embedding tables file (magic 0x%08X), got magic 0x%08X",
                    file, MAGIC, magic);
            int version = in.readInt();
            Args.check(version == VERSION, "file %s: expected format version %d, got %d", file, VERSION, version);
            int numAnchors = Args.inRange(in.readInt(), 1, Integer.MAX_VALUE, "numAnchors in " + file);
            int numContexts = Args.inRange(in.readInt(), 1, Integer.MAX_VALUE, "numContexts in " + file);
            int dim = Args.inRange(in.readInt(), 1, Integer.MAX_VALUE, "dim in " + file);
            float[] anchors = new float[Math.multiplyExact(numAnchors, dim)];
            float[] contexts = new float[Math.multiplyExact(numContexts, dim)];
            for (int i = 0; i < anchors.length; i++) {
                anchors[i] = in.readFloat();
            }
            for (int i = 0; i < contexts.length; i++) {
                contexts[i] = in.readFloat();
            }
            return new EmbeddingTables(anchors, numAnchors, contexts, numContexts, dim);
        }
    }
}

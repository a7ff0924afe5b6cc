package org.stableloss.dl4j.embeddings;

/**
 * How a row-sparse embedding layer ({@link RowSparseEmbeddingLayer}, {@link RowSparseEmbeddingSequenceLayer}) updates
 * the table rows a minibatch touches. Both read the row's gradient {@code g} ({@code [d]}: the sum over the row's
 * occurrences in the minibatch of dL/d(output row), divided by the minibatch size when the network's
 * {@code miniBatch} setting is true, as DL4J's updater divides a dense gradient) and the layer's learning rate
 * {@code lr}; rows the minibatch does not touch do not change.
 */
public enum RowOptimizer {

    /**
     * Per-row AdaGrad (as StarSpace): one accumulator per row, {@code G += sum_j g_j^2 / d}, then
     * {@code row -= lr * g / (sqrt(G) + eps)} with the accumulated {@code G}. The accumulators are the layer's
     * parameter {@value RowSparseParamInitializer#ADAGRAD_KEY} ({@code [V, 1]}, starting at 0), saved with the
     * network. Insensitive to the scale of the gradient, so the minibatch size and the loss weights barely change
     * the step.
     */
    ADAGRAD,

    /** Plain SGD: {@code row -= lr * g}. No state. */
    SGD
}

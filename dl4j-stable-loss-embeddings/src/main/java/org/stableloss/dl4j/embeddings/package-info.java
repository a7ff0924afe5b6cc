/**
 * Embedding tables at vocabulary scale with {@link org.stableloss.dl4j.LossSkipGram}: layers whose training step costs
 * what a minibatch touches, a word2vec-style pair trainer, an exact skip-gram algorithm for DL4J's {@code Word2Vec},
 * and the tag model's data, batches and evaluation.
 */
package org.stableloss.dl4j.embeddings;

package org.stableloss.dl4j.embeddings;

import java.util.List;

import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Resettable iterator over pre-built batches (DL4J M2.1 has a list iterator for DataSet only), for ParallelWrapper
 * tests here and in scale-out (through this module's test-jar).
 */
public final class ListMultiDataSetIterator implements MultiDataSetIterator {

    private final List<? extends MultiDataSet> batches;
    private MultiDataSetPreProcessor preProcessor;
    private int next;

    /** @param batches the batches, returned in this order after every reset; not copied */
    public ListMultiDataSetIterator(List<? extends MultiDataSet> batches) {
        this.batches = batches;
    }

    @Override
    public MultiDataSet next(int num) {
        throw new UnsupportedOperationException("batches are pre-built");
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    @Override
    public void reset() {
        next = 0;
    }

    @Override
    public boolean hasNext() {
        return next < batches.size();
    }

    @Override
    public MultiDataSet next() {
        MultiDataSet mds = batches.get(next++);
        if (preProcessor != null) {
            preProcessor.preProcess(mds);
        }
        return mds;
    }
}

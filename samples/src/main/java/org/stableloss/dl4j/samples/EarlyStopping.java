package org.stableloss.dl4j.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stableloss.dl4j.embeddings.tags.TagData;

/**
 * The samples' epoch loop: a fixed number of epochs when the user gives {@code --epochs}, else training until the
 * validation loss has not improved for {@link #PATIENCE} epochs (at most {@link #MAX_EPOCHS}), then back to the
 * parameters of the best epoch. The validation pairs come out of the training pairs ({@link #carve}), never out of
 * the held-out pairs the samples evaluate on.
 */
final class EarlyStopping {

    /** Epochs without a better validation loss before training stops. */
    static final int PATIENCE = 2;
    /** The most epochs an automatic run trains. */
    static final int MAX_EPOCHS = 40;
    /** Share of the training pairs set aside for the validation loss in automatic runs. */
    static final double VALIDATION_FRACTION = 0.1;

    private static final Logger log = LoggerFactory.getLogger(EarlyStopping.class);

    private EarlyStopping() {
    }

    /** Keeps and restores a model's parameters. */
    interface Snapshot {
        void save();

        void restore();
    }

    /**
     * What the loop did: {@code validationLoss[e]} after epoch e + 1 (empty for fixed runs), the epochs trained and
     * the epoch whose parameters the model has at the end (1-based).
     */
    record Outcome(double[] validationLoss, int epochsTrained, int bestEpoch) {
    }

    /**
     * Trains {@code fixedEpochs} epochs if it is positive; else epochs until the validation loss has not improved for
     * {@link #PATIENCE} epochs or {@link #MAX_EPOCHS} are done, leaving the model at its best epoch.
     *
     * @param trainEpoch     trains one epoch; gets the 0-based epoch number
     * @param validationLoss the model's current validation loss (lower is better); not called for fixed runs
     */
    static Outcome run(String name, int fixedEpochs, IntConsumer trainEpoch, DoubleSupplier validationLoss,
                       Snapshot snapshot) {
        if (fixedEpochs > 0) {
            for (int e = 0; e < fixedEpochs; e++) {
                trainEpoch.accept(e);
            }
            return new Outcome(new double[0], fixedEpochs, fixedEpochs);
        }
        List<Double> losses = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        for (int e = 0; e < MAX_EPOCHS && e - bestEpoch < PATIENCE; e++) {
            trainEpoch.accept(e);
            double loss = validationLoss.getAsDouble();
            losses.add(loss);
            boolean better = loss < best;
            log.info("[{}] epoch {}: validation loss {}{}", name, e + 1, String.format("%.5f", loss),
                    better ? " (best so far)" : "");
            if (better) {
                best = loss;
                bestEpoch = e + 1;
                snapshot.save();
            }
        }
        if (bestEpoch == 0) {
            throw new TagData.DataException("validation loss never finite in " + losses.size() + " epochs");
        }
        snapshot.restore();
        log.info("[{}] stopped after {} epochs; kept epoch {} (validation loss {})", name, losses.size(), bestEpoch,
                String.format("%.5f", best));
        return new Outcome(losses.stream().mapToDouble(Double::doubleValue).toArray(), losses.size(), bestEpoch);
    }

    /**
     * Sets {@code fraction} of a split's training pairs aside for validation: the result's {@code train()} holds the
     * rest and its {@code test()} the validation pairs. A sample's last training pair always stays in training.
     */
    static TagData.Split carve(TagData.Split split, double fraction, long seed) {
        int n = split.numTrain();
        int[] left = new int[Math.max(1, maxSample(split) + 1)];
        for (int i = 0; i < n; i++) {
            left[split.train()[0][i]]++;
        }
        Random rnd = new Random(seed);
        List<int[]> train = new ArrayList<>();
        List<int[]> validation = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int s = split.train()[0][i];
            int[] pair = {s, split.train()[1][i]};
            if (left[s] > 1 && rnd.nextDouble() < fraction) {
                left[s]--;
                validation.add(pair);
            } else {
                train.add(pair);
            }
        }
        return new TagData.Split(columns(train), columns(validation));
    }

    private static int maxSample(TagData.Split split) {
        int max = -1;
        for (int s : split.train()[0]) {
            max = Math.max(max, s);
        }
        return max;
    }

    private static int[][] columns(List<int[]> pairs) {
        int[][] a = new int[2][pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            a[0][i] = pairs.get(i)[0];
            a[1][i] = pairs.get(i)[1];
        }
        return a;
    }
}

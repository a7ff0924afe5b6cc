package org.stableloss.dl4j.embeddings;

import java.util.Locale;

/**
 * Speed and quality of {@link PairTrainer} on planted data: {@code java ... PairTrainerBench SAMPLES THREADS
 * UPDATER LR EPOCHS [early]}; prints pairs/s, epochs and filtered hits@10. A repeatable main, not a test.
 */
public final class PairTrainerBench {

    private PairTrainerBench() {
    }

    public static void main(String[] args) {
        int samples = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        PairTrainer.Updater updater = PairTrainer.Updater.valueOf(args[2]);
        double lr = Double.parseDouble(args[3]);
        int epochs = Integer.parseInt(args[4]);
        boolean early = args.length > 5 && args[5].equals("early");
        long g0 = System.nanoTime();
        PlantedPairs data = new PlantedPairs(samples, 0.08, 7);
        System.out.printf(Locale.ROOT, "data: %d samples, %d training pairs, %d held out (%.1f s)%n", samples,
                data.train.size(), data.heldOut.size(), (System.nanoTime() - g0) / 1e9);
        PairTrainer trainer = PairTrainer.builder().threads(threads).updater(updater).learningRate(lr).epochs(epochs)
                .build();
        long t0 = System.nanoTime();
        PairTrainer.Result r = trainer.train(data.train, early ? data.heldOut : null);
        double wall = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT samples=%d threads=%d updater=%s lr=%s epochs=%d best=%d pairs/s=%.0f"
                        + " train_s=%.2f wall_s=%.2f hits@10=%.4f%n", samples, threads, updater, lr, r.epochsTrained(),
                r.bestEpoch(), r.pairsPerSecond(), r.trainSeconds(), wall, data.hitsAt10(r.tables()));
    }
}

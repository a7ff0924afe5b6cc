package org.stableloss.dl4j.embeddings;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * fastText on the same planted pairs as {@link PairTrainerBench}: {@code java ... FastTextBench SAMPLES THREADS
 * EPOCHS LR}. Writes the training pairs ({@code __label__TAG sSAMPLE}), runs {@code fasttext supervised -loss ns
 * -neg 5 -dim 32 -minCount 1}, ranks 15 tags per held-out pair with {@code fasttext predict} and prints the training
 * wall time, pairs/s and filtered hits@10 (the sample's other known tags removed before taking the top 10).
 */
public final class FastTextBench {

    private FastTextBench() {
    }

    public static void main(String[] args) throws Exception {
        int samples = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        int epochs = Integer.parseInt(args[2]);
        String lr = args[3];
        PlantedPairs data = new PlantedPairs(samples, 0.08, 7);
        Path dir = Files.createTempDirectory("fasttext-bench");
        Path train = dir.resolve("train.txt");
        data.writeFastText(train);
        Path queries = dir.resolve("queries.txt");
        try (BufferedWriter w = Files.newBufferedWriter(queries)) {
            for (int i = 0; i < data.heldOut.size(); i++) {
                w.write("s" + data.heldOut.anchor(i) + "\n");
            }
        }
        long t0 = System.nanoTime();
        run(List.of("fasttext", "supervised", "-input", train.toString(), "-output", dir.resolve("m").toString(),
                "-dim", "32", "-loss", "ns", "-neg", "5", "-thread", String.valueOf(threads), "-minCount", "1",
                "-epoch", String.valueOf(epochs), "-lr", lr, "-verbose", "0"), null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path predictions = dir.resolve("predictions.txt");
        run(List.of("fasttext", "predict", dir.resolve("m.bin").toString(), queries.toString(), "15"), predictions);
        List<String> lines = Files.readAllLines(predictions);
        int hits = 0;
        for (int i = 0; i < data.heldOut.size(); i++) {
            int s = data.heldOut.anchor(i);
            int tag = data.heldOut.context(i);
            int rank = 0;
            for (String label : lines.get(i).split(" ")) {
                int t = Integer.parseInt(label.substring("__label__".length()));
                if (t == tag) {
                    hits += rank < 10 ? 1 : 0;
                    break;
                }
                if (Arrays.binarySearch(data.tagsOf[s], t) < 0) {
                    rank++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "RESULT fastText samples=%d threads=%d epochs=%d lr=%s train_wall_s=%.2f"
                        + " pairs/s=%.0f hits@10=%.4f%n", samples, threads, epochs, lr, seconds,
                (double) data.train.size() * epochs / seconds, (double) hits / data.heldOut.size());
    }

    private static void run(List<String> command, Path stdout) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (stdout != null) {
            pb.redirectOutput(stdout.toFile());
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        int rc = pb.start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException(command + " exited with " + rc);
        }
    }
}

package org.stableloss.dl4j.benchmarks.scale;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;
import org.stableloss.dl4j.embeddings.tags.PlantedTagData;
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.tags.TagPairs;

/**
 * The scale benchmark: how training cost and quality grow with the number of samples, on planted data
 * ({@link PlantedTagData}), for every way of training the tag model this project has and for its peers, in one run,
 * each peer in its own process under {@code /usr/bin/time} (max RSS) on the same pairs and threads:
 * <ul>
 *   <li>{@code network-rowsparse}, {@code network-dense}: the samples' main job ({@code TagEmbeddings --trainer
 *       network}) with the row-sparse embedding layers or DL4J's own;</li>
 *   <li>{@code pair}: the main job with the pair trainer ({@code --trainer pair});</li>
 *   <li>{@code fasttext}: fastText 0.9.2 ({@code fasttext supervised -loss ns}, lines {@code __label__TAG SAMPLE});</li>
 *   <li>{@code word2vec}, {@code word2vec-exact}: DL4J's {@code Word2Vec} with its built-in {@code SkipGram} or with
 *       {@code ExactSkipGram} ({@link Word2VecPeer}).</li>
 * </ul>
 * Every peer is evaluated on the same held-out pairs with filtered hits@10 (fastText from its top-k predictions,
 * the same filter). Writes {@code scale.md}, {@code scale.json} and {@code scale-pairs-per-second.png} to the output
 * folder. Run with {@code benchmarks/run.sh --scale [OPTIONS]}; {@code --help} lists the options.
 */
public final class ScaleReport {

    static final String USAGE = """
            Usage: ScaleReport [options]
              --sizes N,N,...     numbers of samples (default 10000,100000,300000,1000000)
              --tags N,N,...      numbers of tags, multiples of 8 (default 1000)
              --peers P,P,...     of network-rowsparse, network-dense, pair, fasttext, word2vec,
                                  word2vec-exact (default: all of them)
              --network-epochs E  epochs of the network runs (default 0: the job's early stopping); with E > 0,
                                  at least enough epochs for --min-pairs pairs (the first steps warm up the JIT)
              --min-pairs N       (default 500000)
              --network-batch B,B pairs per minibatch of the network runs, one run per size (default 256)
              --pair-epochs E     epochs of the pair trainer (default 0: its own default)
              --sampling-exponent E   the main job's --sampling-exponent for the pair and network runs
                                  (default: the job's, 0.75)
              --fasttext-epochs E, --fasttext-lr LR   fastText's settings (default 20, 0.5)
              --word2vec-epochs E (default 2)
              --dense-max N       largest size the dense network runs at (default 100000: it slows with V)
              --word2vec-max N    largest size DL4J's Word2Vec runs at (default 100000: ~5k pairs/s)
              --threads N         threads of the pair trainer, fastText and Word2Vec (default 2)
              --xmx SIZE          heap of each Java peer (default 3g)
              --data FILE         run the peers on this data set instead of planted sets ("bundled": the
                                  samples' Debtags data; --sizes and --tags are then ignored)
              --seed N            data, split and training seed (default 42)
              --out DIR           output folder (default benchmarks/target/scale)
            """;

    private ScaleReport() {
    }

    /** One measured run. */
    record Row(int tags, int samples, long trainPairs, String peer, String settings, double trainSeconds,
               double wallSeconds, double pairsPerSecond, double maxRssMb, double hitsAt10, double auc, String note) {
    }

    /**
     * @param args see {@link #USAGE}
     * @throws Exception if a peer cannot be started or the report cannot be written
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>(Map.of("--sizes", "10000,100000,300000,1000000", "--tags", "1000",
                "--peers", "network-rowsparse,network-dense,pair,fasttext,word2vec,word2vec-exact", "--network-epochs", "0",
                "--pair-epochs", "0", "--fasttext-epochs", "20", "--fasttext-lr", "0.5", "--word2vec-epochs", "2",
                "--dense-max", "100000", "--word2vec-max", "100000"));
        o.put("--network-batch", "256");
        o.put("--min-pairs", "500000");
        o.putAll(Map.of("--threads", "2", "--xmx", "3g", "--seed", "42", "--out", "benchmarks/target/scale",
                "--data", "", "--sampling-exponent", ""));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || !o.containsKey(args[i]) || i + 1 == args.length) {
                System.out.print(USAGE);
                System.exit(args[i].equals("--help") ? 0 : 2);
            }
            o.put(args[i], args[++i]);
        }
        Path out = Paths.get(o.get("--out")).toAbsolutePath();
        Files.createDirectories(out);
        long seed = Long.parseLong(o.get("--seed"));
        List<String> peers = List.of(o.get("--peers").split(","));
        List<Row> rows = new ArrayList<>();
        if (!o.get("--data").isEmpty()) {
            Path file = o.get("--data").equals("bundled") ? out.resolve("bundled.tsv") : Paths.get(o.get("--data"));
            if (o.get("--data").equals("bundled")) {
                PlantedTagData.write(TagData.loadBundled(), file);
            }
            // the peers read the file, so the split is computed from what they read
            runPeers(TagData.load(file), file, peers, o, out, rows);
            return;
        }
        for (String tagCount : o.get("--tags").split(",")) {
            for (String size : o.get("--sizes").split(",")) {
                int tags = Integer.parseInt(tagCount);
                int samples = Integer.parseInt(size);
                TagData data = PlantedTagData.generate(samples, tags, seed);
                Path file = out.resolve("planted-" + samples + "-" + tags + ".tsv");
                PlantedTagData.write(data, file);
                runPeers(data, file, peers, o, out, rows);
                Files.deleteIfExists(file);
            }
        }
    }

    /** Runs every peer on one data set (written to {@code file}), adding its rows and rewriting the report. */
    private static void runPeers(TagData data, Path file, List<String> peers, Map<String, String> o, Path out,
                                 List<Row> rows) throws IOException, InterruptedException {
        TagData.Split split = data.splitForEvaluation(0.1, Long.parseLong(o.get("--seed")));
        for (String peer : peers) {
            String[] batches = peer.startsWith("network") ? o.get("--network-batch").split(",") : new String[]{""};
            for (String batch : batches) {
                Row r = run(peer, batch, data, split, file, o, out);
                if (r != null) {
                    rows.add(r);
                    System.out.println(format(r));
                    write(rows, out);
                }
            }
        }
    }

    private static Row run(String peer, String batch, TagData data, TagData.Split split, Path file,
                           Map<String, String> o, Path out) throws IOException, InterruptedException {
        int samples = data.numSamples();
        int tags = data.numTags();
        long seed = Long.parseLong(o.get("--seed"));
        String threads = o.get("--threads");
        Path dir = out.resolve(peer + (batch.isEmpty() ? "" : "-b" + batch) + "-" + samples + "-" + tags);
        Files.createDirectories(dir);
        switch (peer) {
            case "network-rowsparse", "network-dense", "pair" -> {
                if (peer.equals("network-dense") && samples > Integer.parseInt(o.get("--dense-max"))) {
                    return null;
                }
                List<String> cmd = new ArrayList<>(List.of("org.stableloss.dl4j.samples.TagEmbeddings", "--data",
                        file.toString(), "--out", dir.toString(), "--no-compare", "--seed", String.valueOf(seed)));
                String epochs = o.get(peer.equals("pair") ? "--pair-epochs" : "--network-epochs");
                if (!peer.equals("pair") && !epochs.equals("0")) {
                    long minPairs = Long.parseLong(o.get("--min-pairs"));
                    epochs = String.valueOf(Math.max(Integer.parseInt(epochs),
                            (minPairs + split.numTrain() - 1) / split.numTrain()));
                }
                if (!epochs.equals("0")) {
                    cmd.addAll(List.of("--epochs", epochs));
                }
                if (!o.get("--sampling-exponent").isEmpty()) {
                    cmd.addAll(List.of("--sampling-exponent", o.get("--sampling-exponent")));
                }
                if (peer.equals("pair")) {
                    cmd.addAll(List.of("--trainer", "pair", "--threads", threads));
                } else {
                    cmd.addAll(List.of("--trainer", "network", "--batch", batch, "--embeddings",
                            peer.equals("network-dense") ? "dense" : "rowsparse"));
                }
                Measured m = java(cmd, o.get("--xmx"), peer.equals("pair") ? threads : "1", dir);
                JsonNode metrics = new ObjectMapper().readTree(dir.resolve("metrics.json").toFile());
                JsonNode run = metrics.get("runs").get(0);
                String settings = "epochs " + metrics.get("config").get("epochs").asText()
                        + (batch.isEmpty() ? ", " + threads + " threads" : ", batch " + batch)
                        + (o.get("--sampling-exponent").isEmpty() ? ""
                                : ", negatives ^" + o.get("--sampling-exponent"));
                String label = peer + (o.get("--network-batch").contains(",") && !batch.isEmpty() ? " b" + batch : "");
                return new Row(tags, samples, split.numTrain(), label, settings, run.get("train_seconds").asDouble(),
                        m.wallSeconds, run.get("train_pairs_per_second").asDouble(), m.maxRssMb,
                        run.get("hits_at_10").asDouble(), run.get("auc").asDouble(), "");
            }
            case "word2vec", "word2vec-exact" -> {
                if (samples > Integer.parseInt(o.get("--word2vec-max"))) {
                    return null;
                }
                String epochs = o.get("--word2vec-epochs");
                Path metricsFile = dir.resolve("metrics.json");
                Measured m = java(List.of(Word2VecPeer.class.getName(), file.toString(), epochs, threads,
                        String.valueOf(seed), metricsFile.toString(), peer.equals("word2vec") ? "builtin" : "exact"),
                        o.get("--xmx"), threads, dir);
                JsonNode metrics = new ObjectMapper().readTree(metricsFile.toFile());
                return new Row(tags, samples, split.numTrain(), peer, "epochs " + epochs,
                        metrics.get("train_seconds").asDouble(), m.wallSeconds,
                        metrics.get("train_pairs_per_second").asDouble(), m.maxRssMb,
                        metrics.get("hits_at_10").asDouble(), metrics.get("auc").asDouble(), "");
            }
            case "fasttext" -> {
                return fastText(data, split, dir, o);
            }
            default -> throw new IllegalArgumentException("--peers: unknown peer '" + peer + "'");
        }
    }

    private record Measured(double wallSeconds, double maxRssMb) {
    }

    /** Runs a Java main of this classpath in its own JVM under /usr/bin/time. */
    private static Measured java(List<String> mainAndArgs, String xmx, String ompThreads, Path dir)
            throws IOException, InterruptedException {
        String javaBin = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx" + xmx, "--add-modules", "jdk.incubator.vector",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        return timed(cmd, Map.of("OMP_NUM_THREADS", ompThreads), dir);
    }

    private static Measured timed(List<String> command, Map<String, String> env, Path dir)
            throws IOException, InterruptedException {
        Path rss = dir.resolve("max-rss-kb.txt");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log.txt").toFile());
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(4, TimeUnit.HOURS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed; see " + dir.resolve("log.txt"));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        List<String> lines = Files.readAllLines(rss);
        return new Measured(wall, Double.parseDouble(lines.get(lines.size() - 1).strip()) / 1024);
    }

    /**
     * fastText on the training pairs (shuffled, one line {@code __label__TAG SAMPLE} each), then filtered hits@10 on
     * the evaluation pairs from its top {@code 10 + max tags per sample} predictions: the held-out tag is a hit when
     * fewer than 10 tags the sample does not have come before it.
     */
    private static Row fastText(TagData data, TagData.Split split, Path dir, Map<String, String> o)
            throws IOException, InterruptedException {
        if (new ProcessBuilder("sh", "-c", "command -v fasttext").start().waitFor() != 0) {
            System.out.println("fasttext: not installed (apt-get install fasttext), skipped");
            return null;
        }
        long seed = Long.parseLong(o.get("--seed"));
        int n = split.numTrain();
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        Path train = dir.resolve("train.txt");
        try (BufferedWriter w = Files.newBufferedWriter(train, StandardCharsets.UTF_8)) {
            for (int i : order) {
                w.write("__label__" + data.tag(split.train()[1][i]) + " " + data.sample(split.train()[0][i]) + "\n");
            }
        }
        String epochs = o.get("--fasttext-epochs");
        String lr = o.get("--fasttext-lr");
        Measured m = timed(List.of("fasttext", "supervised", "-input", train.toString(), "-output",
                dir.resolve("model").toString(), "-dim", "32", "-loss", "ns", "-neg", "5", "-thread",
                o.get("--threads"), "-minCount", "1", "-epoch", epochs, "-lr", lr, "-verbose", "0"), Map.of(), dir);
        Files.delete(train);
        TagPairs pairs = new TagPairs(data, split);
        int[] eval = pairs.evaluationPairs(seed + 1);
        int maxTags = 0;
        Map<Integer, Integer> queryOf = new LinkedHashMap<>();
        for (int i : eval) {
            int s = split.test()[0][i];
            queryOf.putIfAbsent(s, queryOf.size());
            maxTags = Math.max(maxTags, data.tagsOf(s).length);
        }
        Path queries = dir.resolve("queries.txt");
        try (BufferedWriter w = Files.newBufferedWriter(queries, StandardCharsets.UTF_8)) {
            for (int s : queryOf.keySet()) {
                w.write(data.sample(s) + "\n");
            }
        }
        Path predictions = dir.resolve("predictions.txt");
        Process p = new ProcessBuilder("fasttext", "predict", dir.resolve("model.bin").toString(),
                queries.toString(), String.valueOf(10 + maxTags)).redirectOutput(predictions.toFile()).start();
        if (p.waitFor() != 0) {
            throw new IOException("fasttext predict failed");
        }
        List<String> predicted = Files.readAllLines(predictions);
        Map<String, Integer> tagId = new HashMap<>();
        for (int t = 0; t < data.numTags(); t++) {
            tagId.put("__label__" + data.tag(t), t);
        }
        long hits = 0;
        for (int i : eval) {
            int s = split.test()[0][i];
            int held = split.test()[1][i];
            int others = 0;
            for (String label : predicted.get(queryOf.get(s)).split(" ")) {
                int t = tagId.getOrDefault(label, -1);
                if (t == held) {
                    hits += others < 10 ? 1 : 0;
                    break;
                }
                if (t >= 0 && !data.hasTag(s, t) && ++others >= 10) {
                    break;
                }
            }
        }
        Files.deleteIfExists(dir.resolve("model.bin"));
        Files.deleteIfExists(dir.resolve("model.vec"));
        double trainSeconds = m.wallSeconds;
        return new Row(data.numTags(), data.numSamples(), n, "fasttext", "epochs " + epochs + ", lr " + lr,
                trainSeconds, trainSeconds, (double) n * Integer.parseInt(epochs) / trainSeconds, m.maxRssMb,
                (double) hits / eval.length, Double.NaN, "time includes loading the pairs");
    }

    private static String format(Row r) {
        return String.format(Locale.ROOT, "| %,d | %,d | %,d | %s | %s | %.1f | %.1f | %,.0f | %,.0f | %.3f | %s |",
                r.tags(), r.samples(), r.trainPairs(), r.peer(), r.settings(), r.trainSeconds(), r.wallSeconds(),
                r.pairsPerSecond(), r.maxRssMb(), r.hitsAt10(), Double.isNaN(r.auc()) ? "-"
                        : String.format(Locale.ROOT, "%.3f", r.auc()));
    }

    private static void write(List<Row> rows, Path out) throws IOException {
        StringBuilder md = new StringBuilder("| tags | samples | training pairs | peer | settings | train s | wall s"
                + " | pairs/s | max RSS MB | hits@10 | AUC |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(format(r)).append('\n');
        }
        Files.writeString(out.resolve("scale.md"), md.toString());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("scale.json").toFile(),
                rows);
        XYSeriesCollection series = new XYSeriesCollection();
        Map<String, XYSeries> byPeer = new LinkedHashMap<>();
        for (Row r : rows) {
            byPeer.computeIfAbsent(r.peer() + ", " + r.tags() + " tags", k -> new XYSeries(k, true, true))
                    .addOrUpdate(r.samples(), r.pairsPerSecond());
        }
        byPeer.values().forEach(series::addSeries);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < byPeer.size(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(series, new LogAxis("samples (rows of the sample table)"),
                new LogAxis("training pairs per second"), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Training speed against table size (dim 32, K = 5, 2 cores)",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(out.resolve("scale-pairs-per-second.png").toFile(), chart, 1000, 600);
    }
}

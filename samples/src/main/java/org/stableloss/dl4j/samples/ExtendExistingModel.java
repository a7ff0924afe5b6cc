package org.stableloss.dl4j.samples;

import static org.stableloss.dl4j.embeddings.tags.CliArgs.integer;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.positiveInt;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.unknownOption;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.deeplearning4j.util.ModelSerializer;
import org.jfree.chart.ChartUtils;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.SaturationListener;
import org.stableloss.dl4j.graph.DotProductVertex;
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.RowSparseEmbeddingSequenceLayer;
import org.stableloss.dl4j.embeddings.tags.TagPairs;
import org.stableloss.dl4j.embeddings.tags.CliArgs;

/**
 * The adoption scenario: an existing DL4J model is extended by a skip-gram head trained with {@link LossSkipGram}.
 *
 * <p>The existing model ({@link #buildBase}) predicts each sample's main facet ({@link FacetData}) from its description
 * words: input {@code words} [mb, V] (bag of words) -> {@code repr} (dense, tanh, [mb, dim]) -> {@code facet}
 * (softmax, MCXENT). It is trained and saved with {@code ModelSerializer}, or loaded ({@code --model}).
 *
 * <p>{@code TransferLearning.GraphBuilder} extends it with a second input {@code tags} [mb, K + 1] (a sample's tag and
 * K sampled negatives, as in {@link TagEmbeddings}) -> {@code tagEmb} (RowSparseEmbeddingSequenceLayer, per-row
 * AdaGrad) -> {@code dot} ({@link DotProductVertex} of {@code repr} and {@code tagEmb}: logits [mb, K + 1]) ->
 * {@code tagLoss} (LossLayer,
 * LossSkipGram), and both heads train jointly (the facet loss only on the facet-training samples, by a label mask).
 * The same extension with {@code LossBinaryXENT} + sigmoid runs side by side from the same parameters. A
 * {@link SaturationListener} watches the tag head.
 *
 * <p>Reported: facet accuracy on held-out samples before and after, held-out AUC and filtered hits@10 of the tag head
 * (a tag's score for a sample: {@code dot(repr(sample), tagEmb[tag])}, over held-out (sample, tag) pairs as in
 * {@link TagPairs}), the listener's figures; {@code metrics.json} and {@code training-loss.png} in {@code --out}.
 * Without {@code --epochs}, each stage trains until its validation loss stops improving ({@link EarlyStopping}).
 */
public final class ExtendExistingModel {

    private static final Logger log = LoggerFactory.getLogger(ExtendExistingModel.class);
    static final int DIM = 32;
    static final int NEGATIVES = 5;
    static final int BATCH = 256;
    static final double LR = 0.005;
    static final int EVAL_NEGATIVES = 10;
    /** Share of the samples whose facet is held out for the accuracy; another share validates the base model. */
    static final double FACET_TEST_FRACTION = 0.2;
    static final double FACET_VALIDATION_FRACTION = 0.1;
    static final int LISTENER_FREQUENCY = 100;
    static final String MODEL_FILE = "facet-model.zip";
    static final String CHART = "training-loss.png";

    private ExtendExistingModel() {
    }

    /** Command-line options. */
    static final class Options {
        String data;
        String out = "target/extend-existing-model";
        String model;
        int epochs;
        long seed = 42;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            CliArgs.parse(args, Set.of(), (key, value) -> {
                switch (key) {
                    case "--help" -> o.help = true;
                    case "--data" -> o.data = value;
                    case "--out" -> o.out = value;
                    case "--model" -> o.model = value;
                    case "--epochs" -> o.epochs = positiveInt(key, value);
                    case "--seed" -> o.seed = integer(key, value);
                    default -> throw unknownOption(key);
                }
            });
            return o;
        }
    }

    static final String USAGE = """
            Usage: ExtendExistingModel [options]
              Extends an existing DL4J model (main facet of a sample from its description words) with a skip-gram
              tag head (LossSkipGram; LossBinaryXENT + sigmoid side by side) through TransferLearning, trains both
              heads jointly, and reports facet accuracy before/after, the tag head's held-out AUC and hits@10 and
              the SaturationListener's figures.
            Options:
              --data FILE    sample<TAB>tag1,tag2,...<TAB>description per line, plain or .gz
                             (default: the bundled Debtags snapshot, 14,663 Debian packages, 488 tags)
              --out DIR      output directory: facet-model.zip, metrics.json, training-loss.png
                             (default target/extend-existing-model)
              --model FILE   the existing model, saved by an earlier run on the same data (default: train one)
              --epochs N     epochs of each stage (default: until the validation loss stops improving)
              --seed N       random seed: splits, init, shuffling, negatives (default 42)
              --help         this text
            """;

    /**
     * Runs the sample; on failure exits with code 1 (bad data, model or I/O) or 2 (bad command line, see
     * {@code --help}).
     *
     * @param args the options
     */
    public static void main(String[] args) {
        CliArgs.exitOnFailure(run(args, System.out, System.err));
    }

    /** Runs the job; returns the exit code (0 ok, 1 bad data, model or I/O, 2 bad command line). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CliArgs.run(args, out, err, Options::parse, o -> o.help, USAGE, o -> {
            runJob(o, out);
            return 0;
        });
    }

    /** The sample indices of each facet role. */
    record Roles(int[] train, int[] validation, int[] test, boolean[] facetTrain) {
        static Roles of(int n, long seed) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            java.util.Collections.shuffle(Arrays.asList(order), new Random(seed));
            int nTest = (int) Math.round(n * FACET_TEST_FRACTION);
            int nVal = (int) Math.round(n * FACET_VALIDATION_FRACTION);
            int[] all = Arrays.stream(order).mapToInt(Integer::intValue).toArray();
            boolean[] facetTrain = new boolean[n];
            for (int i = nTest + nVal; i < n; i++) {
                facetTrain[all[i]] = true;
            }
            return new Roles(Arrays.copyOfRange(all, nTest + nVal, n), Arrays.copyOfRange(all, nTest, nTest + nVal),
                    Arrays.copyOfRange(all, 0, nTest), facetTrain);
        }
    }

    /** One extension run's outcome. */
    record HeadResult(String name, String lossName, double facetAccuracy, TagPairs.Eval eval,
                      SaturationListener.Stats saturation, int epochs, double seconds,
                      TagEmbeddings.RunResult curve) {
    }

    static Map<String, Object> runJob(Options o, PrintStream out) {
        long t0 = System.nanoTime();
        Path outDir = Paths.get(o.out);
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new TagData.DataException("cannot create output directory " + outDir + ": " + e);
        }
        TagData data = TagData.loadOrBundled(o.data);
        TagData.Split split = data.splitForEvaluation(0.1, o.seed);
        FacetData facets = FacetData.of(data);
        if (facets.numWords() == 0) {
            throw new TagData.DataException(data.source() + ": no description words (third column) seen twice;"
                    + " the facet model needs them");
        }
        Roles roles = Roles.of(data.numSamples(), o.seed);
        log.info("data {}: {} samples, {} tags, {} facets, {} words; facet split {} train / {} validation / {} test",
                data.source(), data.numSamples(), data.numTags(), facets.numFacets(), facets.numWords(),
                roles.train().length, roles.validation().length, roles.test().length);

        ComputationGraph base;
        String modelSource;
        if (o.model != null) {
            base = loadBase(Paths.get(o.model), facets);
            modelSource = o.model;
        } else {
            base = buildBase(facets.numWords(), facets.numFacets(), o.seed);
            trainBase(base, facets, roles, o);
            Path file = outDir.resolve(MODEL_FILE);
            try {
                ModelSerializer.writeModel(base, file.toFile(), true);
            } catch (IOException e) {
                throw new TagData.DataException("cannot write " + file + ": " + e.getMessage());
            }
            modelSource = file.toString();
        }
        double accuracyBefore = facetAccuracy(base, facets, roles.test(), false);
        log.info("existing model ({}): facet accuracy {} on {} held-out samples", modelSource, f4(accuracyBefore),
                roles.test().length);

        TagData.Split fit = o.epochs > 0 ? split
                : EarlyStopping.carve(split, EarlyStopping.VALIDATION_FRACTION, o.seed + 3);
        TagPairs trainPairs = new TagPairs(data, fit);
        TagPairs evalPairs = new TagPairs(data, split);
        List<HeadResult> results = new ArrayList<>();
        INDArray start = null;
        for (Object[] head : new Object[][]{
                {"skipgram", "LossSkipGram(exact)", new LossSkipGram(), Activation.IDENTITY},
                {"binary_xent", "LossBinaryXENT + sigmoid", new LossBinaryXENTIntact(), Activation.SIGMOID}}) {
            ComputationGraph g = extend(base, (ILossFunction) head[2], (Activation) head[3], data.numTags(), o.seed);
            if (start == null) {
                start = g.params().dup();
            } else {
                g.setParams(start); // the same initial parameters for both losses
            }
            results.add(trainHead(g, (String) head[0], (String) head[1], facets, roles, trainPairs, evalPairs, o));
        }

        out.println();
        out.printf(Locale.ROOT, "Existing model: facet accuracy %.4f (%d held-out samples, %d facets)%n",
                accuracyBefore, roles.test().length, facets.numFacets());
        out.printf(Locale.ROOT, "Extended with a tag head (held-out pairs: %d; AUC against %d random non-tags each,"
                + " filtered hits@10 over %d tags):%n", split.numTest(), EVAL_NEGATIVES, data.numTags());
        out.printf(Locale.ROOT, "  %-12s %-26s %9s %7s %8s %7s %11s %10s%n", "run", "loss", "facet acc", "AUC",
                "hits@10", "epochs", "conf.wrong", "max|logit|");
        for (HeadResult r : results) {
            SaturationListener.Stats s = r.saturation();
            out.printf(Locale.ROOT, "  %-12s %-26s %9.4f %7.4f %8.4f %7d %10.3f%% %10.2f%n", r.name(), r.lossName(),
                    r.facetAccuracy(), r.eval().auc(), r.eval().hitsAt10(), r.epochs(),
                    s == null ? Double.NaN : 100 * s.confidentlyWrongFraction(),
                    s == null ? Double.NaN : s.maxAbsLogit());
        }
        out.println("conf.wrong, max|logit|: SaturationListener on the tag head's last reported step (|logit| >= "
                + SaturationListener.DEFAULT_THRESHOLD + " on the wrong side)");

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("data", Map.of("source", data.source(), "samples", data.numSamples(), "tags", data.numTags(),
                "facets", facets.numFacets(), "words", facets.numWords(), "test_pairs", split.numTest(),
                "facet_test_samples", roles.test().length));
        metrics.put("existing_model", Map.of("source", modelSource, "facet_accuracy", accuracyBefore));
        List<Map<String, Object>> runs = new ArrayList<>();
        for (HeadResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", r.name());
            m.put("loss", r.lossName());
            m.put("facet_accuracy", r.facetAccuracy());
            m.put("auc", r.eval().auc());
            m.put("hits_at_10", r.eval().hitsAt10());
            m.put("epochs", r.epochs());
            m.put("train_seconds", r.seconds());
            SaturationListener.Stats s = r.saturation();
            if (s != null) {
                Map<String, Object> sat = new LinkedHashMap<>();
                sat.put("iteration", s.iteration());
                sat.put("threshold", s.threshold());
                sat.put("pairs", s.pairs());
                sat.put("saturated", s.saturated());
                sat.put("confidently_wrong", s.confidentlyWrong());
                sat.put("confidently_wrong_fraction", s.confidentlyWrongFraction());
                sat.put("max_abs_logit", s.maxAbsLogit());
                sat.put("non_finite", s.nonFinite());
                m.put("saturation", sat);
            }
            runs.add(m);
        }
        metrics.put("runs", runs);
        Path chart = outDir.resolve(CHART);
        try {
            ChartUtils.saveChartAsPNG(chart.toFile(),
                    Charts.trainingLoss(results.stream().map(HeadResult::curve).toList()), 800, 480);
        } catch (IOException e) {
            throw new TagData.DataException("cannot write " + chart + ": " + e.getMessage());
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        metrics.put("wall_seconds", wall);
        Path metricsFile = outDir.resolve("metrics.json");
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(metricsFile.toFile(), metrics);
        } catch (IOException e) {
            throw new TagData.DataException("cannot write " + metricsFile + ": " + e.getMessage());
        }
        out.printf(Locale.ROOT, "%nWrote %s, %s (%.0f s)%n", metricsFile, chart, wall);
        return metrics;
    }

    /** The existing model: words [mb, V] -> repr (dense, tanh, DIM) -> facet (softmax, MCXENT). */
    static ComputationGraph buildBase(int numWords, int numFacets, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(LR))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("words")
                .addLayer("repr", new DenseLayer.Builder().nIn(numWords).nOut(DIM).activation(Activation.TANH)
                        .build(), "words")
                .addLayer("facet", new OutputLayer.Builder(new LossMCXENT()).nIn(DIM).nOut(numFacets)
                        .activation(Activation.SOFTMAX).build(), "repr")
                .setOutputs("facet")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static void trainBase(ComputationGraph base, FacetData facets, Roles roles, Options o) {
        Random rnd = new Random(o.seed + 5);
        MultiDataSet validation = new MultiDataSet(facets.words(roles.validation()),
                facets.facets(roles.validation()));
        INDArray[] best = new INDArray[1];
        EarlyStopping.run("existing model", o.epochs, epoch -> {
            int[] order = roles.train().clone();
            shuffle(order, rnd);
            for (int b = 0; b < order.length; b += BATCH) {
                int[] batch = Arrays.copyOfRange(order, b, Math.min(order.length, b + BATCH));
                base.fit(new MultiDataSet(facets.words(batch), facets.facets(batch)));
            }
            log.info("[existing model] epoch {} done, training loss {}", epoch + 1, f4(base.score()));
        }, () -> validation.getFeatures(0).size(0) == 0 ? 0 : base.score(validation), snapshot(base, best));
    }

    /** Loads the existing model and checks it fits the data (input words, facets) and has a "repr" vertex. */
    static ComputationGraph loadBase(Path file, FacetData facets) {
        if (!Files.isRegularFile(file)) {
            throw new TagData.DataException("cannot read model " + file + ": no such file");
        }
        ComputationGraph g;
        try {
            g = ModelSerializer.restoreComputationGraph(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new TagData.DataException("cannot read model " + file + " (a ComputationGraph saved with"
                    + " ModelSerializer is expected): " + e.getMessage());
        }
        if (g.getLayer("repr") == null || g.getLayer("facet") == null) {
            throw new TagData.DataException("model " + file + " lacks the layers 'repr' and 'facet' of this"
                    + " sample's facet model");
        }
        long nIn = ((FeedForwardLayer) g.getLayer("repr").conf().getLayer()).getNIn();
        long nOut = ((FeedForwardLayer) g.getLayer("facet").conf().getLayer()).getNOut();
        if (nIn != facets.numWords() || nOut != facets.numFacets()) {
            throw new TagData.DataException("model " + file + " expects " + nIn + " words and " + nOut
                    + " facets, the data gives " + facets.numWords() + " and " + facets.numFacets()
                    + " (was it trained on other data?)");
        }
        return g;
    }

    /**
     * The existing model (a copy) extended by the tag head: input "tags" -> "tagEmb" -> "dot" (with "repr") ->
     * "tagLoss" (loss, activation); outputs "facet", "tagLoss".
     */
    static ComputationGraph extend(ComputationGraph base, ILossFunction loss, Activation activation, int numTags,
                                   long seed) {
        return new TransferLearning.GraphBuilder(base.clone())
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().seed(seed).updater(new Adam(LR)).build())
                .addInputs("tags")
                .addLayer("tagEmb", new RowSparseEmbeddingSequenceLayer.Builder().nIn(numTags).nOut(DIM)
                        .hasBias(false).inputLength(NEGATIVES + 1).activation(Activation.IDENTITY)
                        .weightInit(new WeightInitDistribution(new NormalDistribution(0, 0.1))).build(), "tags")
                .addVertex("dot", new DotProductVertex(), "repr", "tagEmb")
                .addLayer("tagLoss", new LossLayer.Builder(loss).activation(activation).build(), "dot")
                .setOutputs("facet", "tagLoss")
                .build();
    }

    private static HeadResult trainHead(ComputationGraph g, String name, String lossName, FacetData facets,
                                        Roles roles, TagPairs trainPairs, TagPairs evalPairs, Options o) {
        SaturationListener listener = new SaturationListener(LISTENER_FREQUENCY);
        g.setListeners(listener);
        TagPairs.Batches batches = trainPairs.batches(NEGATIVES, BATCH, o.seed);
        List<MultiDataSet> validation = new ArrayList<>();
        if (o.epochs == 0) {
            for (org.nd4j.linalg.dataset.api.MultiDataSet b : trainPairs.heldOutBatches(NEGATIVES, BATCH, o.seed + 4)) {
                validation.add(joint(b, facets, null));
            }
        }
        TagEmbeddings.RunResult curve = new TagEmbeddings.RunResult();
        curve.spec = new TagEmbeddings.RunSpec(name, lossName + " (joint)", null, null, LR);
        INDArray[] best = new INDArray[1];
        long start = System.nanoTime();
        EarlyStopping.Outcome outcome = EarlyStopping.run(name, o.epochs, epoch -> {
            double sum = 0;
            long count = 0;
            for (org.nd4j.linalg.dataset.api.MultiDataSet b : batches.nextEpoch()) {
                g.fit(joint(b, facets, roles.facetTrain()));
                long mb = b.getFeatures(0).size(0);
                sum += g.score() * mb;
                count += mb;
            }
            curve.lossCurve.add(new double[]{epoch + 1, sum / count});
            log.info("[{}] epoch {} done, training loss {} (facet + tags)", name, epoch + 1, f4(sum / count));
        }, () -> meanScore(g, validation), snapshot(g, best));
        double seconds = (System.nanoTime() - start) / 1e9;
        double accuracy = facetAccuracy(g, facets, roles.test(), true);
        TagPairs.Eval eval = evaluateTags(g, facets, evalPairs, o.seed + 1);
        log.info("[{}] facet accuracy {}, tag AUC {}, hits@10 {}", name, f4(accuracy), f4(eval.auc()),
                f4(eval.hitsAt10()));
        return new HeadResult(name, lossName, accuracy, eval, listener.last(), outcome.epochsTrained(), seconds,
                curve);
    }

    /**
     * A {@link TagPairs} batch (sample [mb, 1], tags [mb, K + 1]) as the extended model's data: words and tags in,
     * facet and tag labels out; the facet loss masked to the facet-training samples (all masked if null).
     */
    static MultiDataSet joint(org.nd4j.linalg.dataset.api.MultiDataSet batch, FacetData facets,
                              boolean[] facetTrain) {
        int[] samples = batch.getFeatures(0).toIntVector();
        float[] mask = new float[samples.length];
        for (int i = 0; i < samples.length; i++) {
            mask[i] = facetTrain != null && facetTrain[samples[i]] ? 1 : 0;
        }
        return new MultiDataSet(new INDArray[]{facets.words(samples), batch.getFeatures(1)},
                new INDArray[]{facets.facets(samples), batch.getLabels(0)}, null,
                new INDArray[]{Nd4j.create(mask, new long[]{samples.length, 1}), null});
    }

    private static double meanScore(ComputationGraph g, List<MultiDataSet> batches) {
        double sum = 0;
        long count = 0;
        for (MultiDataSet b : batches) {
            long mb = b.getFeatures(0).size(0);
            sum += g.score(b) * mb;
            count += mb;
        }
        return count == 0 ? 0 : sum / count;
    }

    private static EarlyStopping.Snapshot snapshot(ComputationGraph g, INDArray[] holder) {
        return new EarlyStopping.Snapshot() {
            @Override
            public void save() {
                holder[0] = g.params().dup();
            }

            @Override
            public void restore() {
                g.setParams(holder[0]);
            }
        };
    }

    /** Share of {@code samples} whose facet the model ranks first. */
    static double facetAccuracy(ComputationGraph g, FacetData facets, int[] samples, boolean extended) {
        if (samples.length == 0) {
            return Double.NaN;
        }
        g.clearLayerMaskArrays(); // score(MultiDataSet) leaves the last label masks on the output layers
        long right = 0;
        for (int b = 0; b < samples.length; b += 1024) {
            int[] chunk = Arrays.copyOfRange(samples, b, Math.min(samples.length, b + 1024));
            INDArray words = facets.words(chunk);
            INDArray p = extended ? g.output(false, words, dummyTags(chunk.length))[0] : g.output(words)[0];
            int[] predicted = p.argMax(1).toIntVector();
            for (int i = 0; i < chunk.length; i++) {
                if (predicted[i] == facets.facetOf(chunk[i])) {
                    right++;
                }
            }
        }
        return (double) right / samples.length;
    }

    /** The tag head's held-out AUC and hits@10: score(s, t) = dot(repr(s), tagEmb[t]). */
    static TagPairs.Eval evaluateTags(ComputationGraph g, FacetData facets, TagPairs evalPairs, long seed) {
        int n = evalPairs.data().numSamples();
        g.clearLayerMaskArrays();
        float[][] repr = new float[n][];
        for (int b = 0; b < n; b += 1024) {
            int[] chunk = new int[Math.min(n, b + 1024) - b];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = b + i;
            }
            float[][] r = g.feedForward(new INDArray[]{facets.words(chunk), dummyTags(chunk.length)}, false)
                    .get("repr").toFloatMatrix();
            System.arraycopy(r, 0, repr, b, r.length);
        }
        float[][] tags = g.getLayer("tagEmb").getParam("W").toFloatMatrix();
        return evalPairs.evaluate((s, t) -> TagPairs.dot(repr[s], tags[t]), EVAL_NEGATIVES, seed);
    }

    private static INDArray dummyTags(int rows) {
        return Nd4j.zeros(DataType.FLOAT, rows, NEGATIVES + 1);
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}

package org.stableloss.dl4j.samples;

import static org.stableloss.dl4j.embeddings.tags.CliArgs.between;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.fraction;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.integer;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.oneOf;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.positiveDouble;
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
import java.util.OptionalLong;
import java.util.Set;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.graph.DotProductVertex;
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.tags.TagPairs;
import org.stableloss.dl4j.embeddings.tags.CliArgs;
import org.stableloss.dl4j.embeddings.tags.TagModel;
import org.stableloss.dl4j.embeddings.BaseRowSparseLayer;
import org.stableloss.dl4j.embeddings.EmbeddingTables;
import org.stableloss.dl4j.embeddings.PairData;
import org.stableloss.dl4j.embeddings.PairTrainer;

/**
 * Learns embeddings of samples and tags from (sample, tag) pairs with negative sampling, and compares
 * {@link LossSkipGram} with DL4J's {@code LossBinaryXENT} + sigmoid on the same model, same seed and same
 * initial parameters, at a normal and at a large learning rate. Run with {@code --help} for the options.
 *
 * <p>Model: {@code score(s, t) = dot(E_sample[s], E_tag[t])}; an {@code EmbeddingLayer} for the sample, an
 * {@code EmbeddingSequenceLayer} for 1 positive + K negative tags, a {@link DotProductVertex} giving [mb, K+1]
 * logits, and a {@code LossLayer} with the loss (labels 1, 0, ..., 0). Adam by default ({@code --updater sgd}: plain
 * SGD without division by the minibatch size, a learning rate per pair as in word2vec).
 *
 * <p>Evaluation on held-out (sample, tag) pairs: ROC AUC of held-out pairs against random tags the sample does not
 * have, and filtered hits@10 (the held-out tag among the 10 best-scored tags, the sample's other known tags
 * removed from the ranking).
 */
public final class TagEmbeddings {

    private static final Logger log = LoggerFactory.getLogger(TagEmbeddings.class);
    /** float32: sigmoid(x) rounds to 0 (LossBinaryXENT gradient below 4e-3 and falling fast) beyond this. */
    static final double CONFIDENTLY_WRONG_LOGIT = TagPairs.CONFIDENTLY_WRONG_LOGIT;

    /** From this many training pairs, {@code --trainer auto} picks the pair trainer. */
    static final int PAIR_TRAINER_MIN_PAIRS = 500_000;
    /** From this many training pairs, the loss comparison (three more network runs) is skipped. */
    static final int COMPARE_MAX_PAIRS = 500_000;

    private TagEmbeddings() {
    }

    /** Command-line options. */
    static final class Options {
        String data;
        String out = "target/tag-embeddings";
        /** 0: chosen by early stopping ({@link Trainer#selectEpochs}). */
        int epochs;
        int dim = 32;
        int negatives = 5;
        int batch = 256;
        /** NaN: the default of the trainer and embedding layers ({@link #learningRate()}). */
        double lr = Double.NaN;
        /** NaN: 3 for the row-sparse layers (AdaGrad), 1 for the dense ones (Adam): {@link #highLearningRate()}. */
        double highLr = Double.NaN;
        String mode = "exact";
        double eps = 1e-4;
        long seed = 42;
        double testFraction = 0.1;
        int evalNegatives = 10;
        boolean compare = true;
        /** null: the default of the trainer and embedding layers ({@link #updater()}). */
        String updater;
        String embeddings = "rowsparse";
        String trainer = "auto";
        /** The negatives' distribution, (training count + 1)^e, for both trainers. */
        double samplingExponent = TagPairs.WORD2VEC_SAMPLING_EXPONENT;
        /** 0: the machine's cores. */
        int threads;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            CliArgs.parse(args, Set.of("--no-compare"), (key, value) -> {
                switch (key) {
                    case "--help" -> o.help = true;
                    case "--no-compare" -> o.compare = false;
                    case "--data" -> o.data = value;
                    case "--out" -> o.out = value;
                    case "--epochs" -> o.epochs = positiveInt(key, value);
                    case "--dim" -> o.dim = positiveInt(key, value);
                    case "--negatives" -> o.negatives = positiveInt(key, value);
                    case "--sampling-exponent" -> o.samplingExponent = between(key, value, 0, 2);
                    case "--batch" -> o.batch = positiveInt(key, value);
                    case "--updater" -> o.updater = oneOf(key, value, "adam", "adagrad", "sgd");
                    case "--embeddings" -> o.embeddings = oneOf(key, value, "rowsparse", "dense");
                    case "--trainer" -> o.trainer = oneOf(key, value, "auto", "pair", "network");
                    case "--threads" -> o.threads = positiveInt(key, value);
                    case "--lr" -> o.lr = positiveDouble(key, value);
                    case "--high-lr" -> o.highLr = positiveDouble(key, value);
                    case "--mode" -> o.mode = oneOf(key, value, "exact", "clamped");
                    case "--eps" -> {
                        o.eps = positiveDouble(key, value);
                        if (o.eps >= 0.5 || 1.0f - (float) o.eps == 1.0f) {
                            throw new CliArgs.UsageException("--eps must lie in (6e-8, 0.5) (1 - eps must differ"
                                    + " from 1 in float32), got " + value);
                        }
                    }
                    case "--seed" -> o.seed = integer(key, value);
                    case "--test-fraction" -> o.testFraction = fraction(key, value);
                    default -> throw unknownOption(key);
                }
            });
            if ("adam".equals(o.updater) && (o.trainer.equals("pair") || o.embeddings.equals("rowsparse"))) {
                throw new CliArgs.UsageException("--updater adam trains DL4J's dense embedding layers only: use it"
                        + " with --trainer network --embeddings dense, or choose adagrad or sgd");
            }
            if ("adagrad".equals(o.updater) && !o.trainer.equals("pair") && o.embeddings.equals("dense")) {
                throw new CliArgs.UsageException("--updater adagrad needs the row-sparse layers (--embeddings"
                        + " rowsparse) or the pair trainer (--trainer pair); the dense layers take adam or sgd");
            }
            return o;
        }

        /** The network path's updater: as given, else adam for the dense layers and adagrad for the row-sparse. */
        String updater() {
            return updater != null ? updater : embeddings.equals("dense") ? "adam" : "adagrad";
        }

        /** The network path's learning rate: as given, else 0.005 (Adam, dense) or the row-sparse layers' default. */
        double learningRate() {
            return !Double.isNaN(lr) ? lr : embeddings.equals("dense") ? 0.005 : BaseRowSparseLayer.DEFAULT_LEARNING_RATE;
        }

        /**
         * The saturation runs' learning rate: as given, else one at which {@code LossBinaryXENT} leaves most training
         * pairs confidently wrong on the bundled data (row-sparse AdaGrad normalises its steps, so it needs a larger
         * rate than Adam for the logits to overshoot).
         */
        double highLearningRate() {
            return !Double.isNaN(highLr) ? highLr : embeddings.equals("dense") ? 1.0 : 3.0;
        }

        TagModel.Embeddings embeddingLayers() {
            return TagModel.Embeddings.of(embeddings);
        }

        LossSkipGram skipGram() {
            return mode.equals("exact") ? LossSkipGram.builder().exact().build()
                    : LossSkipGram.builder().clamped(eps).build();
        }
    }

    static final String USAGE = """
            Usage: TagEmbeddings [options]
              Learns sample and tag embeddings from (sample, tag) pairs with K sampled negative tags per pair,
              trained with LossSkipGram and, side by side, with LossBinaryXENT + sigmoid (same model, seed, init).
              Large data (500,000 training pairs or more) trains with the pair trainer instead of a DL4J network.
            Options:
              --data FILE        sample<TAB>tag1,tag2,...[<TAB>more columns] per line, plain or .gz
                                 (default: the bundled Debtags snapshot, 14,663 Debian packages, 488 tags)
              --out DIR          output directory: metrics.json and PNG charts (default target/tag-embeddings)
              --epochs N         training epochs (default: chosen by early stopping: a LossSkipGram run on
                                 90% of the training pairs trains until its loss on the other 10% stops
                                 improving; every run then trains that run's best number of epochs on all
                                 the training pairs)
              --dim D            embedding size (default 32)
              --negatives K      sampled negative tags per positive pair (default 5)
              --sampling-exponent E
                                 negatives drawn in proportion to (training count of the tag)^E: 0.75
                                 (default, word2vec's) or 0 (uniform; better hits@10 when ranking tags,
                                 see samples/README.md), in [0, 2]
              --batch N          positive pairs per minibatch (default 256)
              --trainer T        auto (default: pair from 500,000 training pairs, else network), network (a DL4J
                                 ComputationGraph trained with fit) or pair (PairTrainer: word2vec-style threads
                                 updating rows from primitive arrays; no loss comparison)
              --embeddings E     the network's embedding layers: rowsparse (default; a step costs what the
                                 minibatch touches) or dense (DL4J's EmbeddingLayer; a step costs the whole tables)
              --threads N        the pair trainer's threads (default: the machine's cores; ND4J's thread
                                 budget is raised to it)
              --lr LR            learning rate (default: 0.1 for the row-sparse layers (AdaGrad), 0.005 for the
                                 dense ones (Adam), the pair trainer's default for it)
              --high-lr LR       the large learning rate of the saturation runs (default 3 for the row-sparse
                                 layers, 1 for the dense ones)
              --updater U        network: adagrad (rowsparse default; per-row AdaGrad), adam (dense default;
                                 gradients averaged over the minibatch) or sgd (plain SGD, not averaged over the
                                 minibatch: the learning rate is per pair, as in word2vec);
                                 pair trainer: sgd (its default; linear decay) or adagrad
              --mode MODE        LossSkipGram mode: exact (default) or clamped
              --eps EPS          clamp of the clamped mode and of the charts (default 1e-4)
              --seed N           random seed: split, init, shuffling, negatives (default 42)
              --test-fraction F  share of pairs held out for evaluation (default 0.1)
              --no-compare       train LossSkipGram only (no LossBinaryXENT and no large-lr runs; also
                                 skipped with the pair trainer and from 500,000 training pairs)
              --help             this text
            """;

    /**
     * Runs the sample; on failure exits with code 1 (bad data) or 2 (bad command line, see {@code --help}).
     *
     * @param args the options
     */
    public static void main(String[] args) {
        CliArgs.exitOnFailure(run(args, System.out, System.err));
    }

    /** Runs the job; returns the exit code (0 ok, 1 bad data or I/O, 2 bad command line). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CliArgs.run(args, out, err, Options::parse, o -> o.help, USAGE, o -> {
            runJob(o, out);
            return 0;
        });
    }

    /** One training run's configuration. */
    record RunSpec(String name, String lossName, ILossFunction loss, Activation activation, double lr) {
    }

    /** One training run's outcome. */
    static final class RunResult {
        RunSpec spec;
        /** Mean training loss of each epoch, up to the one whose parameters the run kept. */
        double[] epochLoss;
        /** {fractional epoch, mean loss per example over the last tenth of an epoch} */
        List<double[]> lossCurve = new ArrayList<>();
        long nonfiniteSteps;
        long steps;
        double trainSeconds;
        double pairsPerSecond;
        TagPairs.Eval eval;
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
        TagData.Split split = data.splitForEvaluation(o.testFraction, o.seed);
        log.info("data {}: {} samples, {} tags, {} pairs -> {} training, {} held out", data.source(),
                data.numSamples(), data.numTags(), data.numPairs(), split.numTrain(), split.numTest());
        boolean pairTrainer = o.trainer.equals("pair")
                || (o.trainer.equals("auto") && split.numTrain() >= PAIR_TRAINER_MIN_PAIRS);
        String trainerReason = !o.trainer.equals("auto") ? "--trainer " + o.trainer
                : String.format(Locale.ROOT, "auto: %,d training pairs, %s %,d", split.numTrain(),
                pairTrainer ? "at least" : "fewer than", PAIR_TRAINER_MIN_PAIRS);
        int threads = o.threads > 0 ? o.threads : Runtime.getRuntime().availableProcessors();
        out.printf(Locale.ROOT, "trainer: %s (%s)%n", pairTrainer ? "pair" : "network, " + o.embeddings
                + " embeddings", trainerReason);
        boolean compare = o.compare && !pairTrainer && split.numTrain() < COMPARE_MAX_PAIRS;
        if (o.compare && !compare) {
            out.println(pairTrainer ? "loss comparison skipped: it trains DL4J networks (--trainer network)"
                    : String.format(Locale.ROOT, "loss comparison skipped: %,d training pairs, at least %,d (it"
                    + " trains three more networks; run it on a sample of the data)", split.numTrain(),
                    COMPARE_MAX_PAIRS));
        }
        if (pairTrainer) {
            log.info("model: dim {}, {} negatives per pair, pair trainer, {} threads, seed {}", o.dim, o.negatives,
                    threads, o.seed);
            if (Nd4j.getEnvironment().maxThreads() < threads) {
                Nd4j.getEnvironment().setMaxThreads(threads);
            }
        } else {
            log.info("model: dim {}, {} negatives per pair, {} embeddings, {} (lr {}), batch {}, {} epochs, seed {};"
                    + " ND4J backend {}, {} threads", o.dim, o.negatives, o.embeddings, o.updater(),
                    trim(o.learningRate()), o.batch, o.epochs > 0 ? o.epochs : "early-stopped", o.seed,
                    Nd4j.getBackend().getClass().getSimpleName(), Nd4j.getEnvironment().maxThreads());
            if (System.getenv("OMP_NUM_THREADS") == null) {
                log.warn("OMP_NUM_THREADS is not set: the arrays here are small, and when other work shares the"
                        + " cores ND4J's OpenMP threads can slow every op down many times; OMP_NUM_THREADS=1 is"
                        + " usually fastest");
            }
        }

        Trainer trainer = new Trainer(data, split, o);
        List<RunSpec> specs = new ArrayList<>();
        LossSkipGram sg = o.skipGram();
        String sgName = "LossSkipGram(" + o.mode + ")";
        double lr = pairTrainer ? Double.NaN : o.learningRate();
        specs.add(new RunSpec("skipgram", sgName, sg, Activation.IDENTITY, lr));
        if (compare) {
            specs.add(new RunSpec("binary_xent", "LossBinaryXENT + sigmoid", new LossBinaryXENTIntact(),
                    Activation.SIGMOID, lr));
            specs.add(new RunSpec("skipgram_high_lr", sgName, sg, Activation.IDENTITY, o.highLearningRate()));
            specs.add(new RunSpec("binary_xent_high_lr", "LossBinaryXENT + sigmoid", new LossBinaryXENTIntact(),
                    Activation.SIGMOID, o.highLearningRate()));
        }
        List<RunResult> results = new ArrayList<>();
        TagPairs.Scorer bestModel = null;
        EarlyStopping.Outcome selection = null;
        int epochs;
        if (pairTrainer) {
            PairTrainer pt = trainer.pairTrainer(sg, threads);
            log.info("[skipgram] pair trainer: {}", pt);
            PairTrainer.Result pr = pt.train(trainer.trainingPairs());
            RunResult r = pairRunResult(specs.get(0), pt.learningRate(), pr, split.numTrain());
            EmbeddingTables tables = pr.tables();
            r.eval = trainer.evaluate(tables::score);
            logDone(r);
            results.add(r);
            bestModel = tables::score;
            epochs = pr.epochsTrained();
        } else {
            selection = o.epochs > 0 ? null : trainer.selectEpochs(specs.get(0));
            epochs = o.epochs > 0 ? o.epochs : selection.bestEpoch();
            for (RunSpec spec : specs) {
                ComputationGraph g = trainer.newGraph(spec);
                RunResult r = trainer.train(g, spec, epochs);
                r.eval = trainer.evaluate(g);
                logDone(r);
                results.add(r);
                if (bestModel == null) {
                    float[][] se = TagPairs.weights(g, TagModel.SAMPLE_EMBEDDINGS);
                    float[][] te = TagPairs.weights(g, TagModel.TAG_EMBEDDINGS);
                    bestModel = (s, t) -> TagPairs.dot(se[s], te[t]);
                }
            }
        }
        TagPairs.Eval popularity = trainer.evaluatePopularity();

        // ---- report ----
        out.println();
        out.printf(Locale.ROOT, "Held-out evaluation: %d pairs (AUC against %d random non-tags each; filtered"
                + " hits@10 over all %d tags)%n", split.numTest(), o.evalNegatives, data.numTags());
        out.printf(Locale.ROOT, "%-22s %-26s %7s %7s %9s %10s %10s %12s%n", "run", "loss", "lr", "AUC", "hits@10",
                "pairs/s", "nonfinite", "conf.wrong");
        for (RunResult r : results) {
            out.printf(Locale.ROOT, "%-22s %-26s %7s %7.4f %9.4f %10d %10s %11.2f%%%n", r.spec.name(),
                    r.spec.lossName(), trim(r.spec.lr()), r.eval.auc(), r.eval.hitsAt10(),
                    Math.round(r.pairsPerSecond), r.nonfiniteSteps + "/" + r.steps,
                    100 * r.eval.confidentlyWrongTrain());
        }
        out.printf(Locale.ROOT, "%-22s %-26s %7s %7.4f %9.4f%n", "popularity", "(tag frequency, no model)", "-",
                popularity.auc(), popularity.hitsAt10());
        out.println("conf.wrong = training pairs the model scores below logit " + CONFIDENTLY_WRONG_LOGIT
                + " (LossBinaryXENT's gradient there is < 4e-3 and vanishes further out)");
        List<Map<String, Object>> examples = trainer.examples(bestModel, 3, out);

        Map<String, Object> metrics = new LinkedHashMap<>();
        Map<String, Object> dataInfo = new LinkedHashMap<>();
        dataInfo.put("source", data.source());
        dataInfo.put("samples", data.numSamples());
        dataInfo.put("tags", data.numTags());
        dataInfo.put("pairs", data.numPairs());
        dataInfo.put("train_pairs", split.numTrain());
        dataInfo.put("test_pairs", split.numTest());
        metrics.put("data", dataInfo);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("trainer", pairTrainer ? "pair" : "network");
        config.put("trainer_reason", trainerReason);
        config.put("embeddings", pairTrainer ? null : o.embeddings);
        config.put("epochs", epochs);
        config.put("early_stopping", o.epochs == 0 && !pairTrainer);
        if (selection != null) {
            config.put("early_stopping_validation_loss", selection.validationLoss());
        }
        config.put("dim", o.dim);
        config.put("negatives", o.negatives);
        config.put("sampling_exponent", o.samplingExponent);
        config.put("batch", o.batch);
        config.put("lr", pairTrainer ? results.get(0).spec.lr() : lr);
        config.put("high_lr", o.highLearningRate());
        config.put("mode", o.mode);
        config.put("eps", o.eps);
        config.put("seed", o.seed);
        config.put("updater", pairTrainer ? trainer.pairUpdater().name().toLowerCase(Locale.ROOT) : o.updater());
        config.put("threads", pairTrainer ? threads : Nd4j.getEnvironment().maxThreads());
        config.put("eval_negatives_per_pair", o.evalNegatives);
        metrics.put("config", config);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (RunResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("run", r.spec.name());
            m.put("loss", r.spec.lossName());
            m.put("lr", r.spec.lr());
            m.put("auc", r.eval.auc());
            m.put("hits_at_10", r.eval.hitsAt10());
            m.put("nonfinite_steps", r.nonfiniteSteps);
            m.put("steps", r.steps);
            m.put("train_pairs_per_second", r.pairsPerSecond);
            m.put("train_seconds", r.trainSeconds);
            m.put("confidently_wrong_train_fraction", r.eval.confidentlyWrongTrain());
            m.put("max_abs_train_logit", r.eval.maxAbsLogit());
            m.put("epoch_loss", r.epochLoss);
            runs.add(m);
        }
        metrics.put("runs", runs);
        metrics.put("popularity_baseline", Map.of("auc", popularity.auc(), "hits_at_10", popularity.hitsAt10()));
        metrics.put("examples", examples);

        Charts.write(outDir, results, o.eps);
        double wall = (System.nanoTime() - t0) / 1e9;
        metrics.put("wall_seconds", wall);
        maxResidentBytes().ifPresent(b -> metrics.put("max_rss_bytes", b));
        Path metricsFile = outDir.resolve("metrics.json");
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(metricsFile.toFile(), metrics);
        } catch (IOException e) {
            throw new TagData.DataException("cannot write " + metricsFile + ": " + e.getMessage());
        }
        out.printf(Locale.ROOT, "%nWrote %s, %s, %s, %s (%.0f s)%n", metricsFile, outDir.resolve(Charts.TRAINING_LOSS),
                outDir.resolve(Charts.LOSS_VS_LOGIT), outDir.resolve(Charts.GRADIENT_VS_LOGIT), wall);
        return metrics;
    }

    private static void logDone(RunResult r) {
        log.info("[{}] done: AUC {}, hits@10 {}, {} pairs/s, {} non-finite steps", r.spec.name(),
                f4(r.eval.auc()), f4(r.eval.hitsAt10()), Math.round(r.pairsPerSecond), r.nonfiniteSteps);
    }

    /** A pair trainer's run in the report's terms: one loss point per epoch, no non-finite steps counted. */
    private static RunResult pairRunResult(RunSpec spec, double lr, PairTrainer.Result pr, int numTrain) {
        RunResult r = new RunResult();
        r.spec = new RunSpec(spec.name(), spec.lossName(), spec.loss(), spec.activation(), lr);
        r.epochLoss = Arrays.copyOf(pr.trainingLoss(), pr.bestEpoch());
        for (int e = 0; e < r.epochLoss.length; e++) {
            r.lossCurve.add(new double[]{e + 1, r.epochLoss[e]});
        }
        r.steps = (long) numTrain * pr.epochsTrained();
        r.trainSeconds = pr.trainSeconds();
        r.pairsPerSecond = pr.pairsPerSecond();
        return r;
    }

    /** The process's peak resident memory (Linux {@code VmHWM}), when the system tells it. */
    static OptionalLong maxResidentBytes() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("no peak resident memory: {}", e.toString());
        }
        return OptionalLong.empty();
    }

    /** Training, evaluation and examples over one data set and split (batches and evaluation: {@link TagPairs}). */
    static final class Trainer {
        private final TagData data;
        private final TagData.Split split;
        private final Options o;
        /** Evaluation, examples and the popularity baseline: the split's training and held-out pairs. */
        private final TagPairs pairs;
        Trainer(TagData data, TagData.Split split, Options o) {
            this.data = data;
            this.split = split;
            this.o = o;
            this.pairs = new TagPairs(data, split, o.samplingExponent);
        }

        /**
         * The number of epochs for the runs: trains {@code spec}'s model on 90% of the training pairs until its loss on
         * the other 10% has not improved for {@link EarlyStopping#PATIENCE} epochs; the outcome's best epoch.
         */
        EarlyStopping.Outcome selectEpochs(RunSpec spec) {
            TagPairs fit = new TagPairs(data, EarlyStopping.carve(split, EarlyStopping.VALIDATION_FRACTION,
                    o.seed + 3), o.samplingExponent);
            List<MultiDataSet> validation = fit.heldOutBatches(o.negatives, o.batch, o.seed + 4);
            ComputationGraph g = newGraph(spec);
            log.info("choosing the number of epochs: {} on {} training pairs, validation loss on {} pairs set aside",
                    spec.lossName(), fit.split().numTrain(), fit.split().numTest());
            return run(g, new RunSpec("epoch-selection", spec.lossName(), spec.loss(), spec.activation(), spec.lr()),
                    0, fit, validation).outcome;
        }

        /** The tag model of a run: this job's embedding layers, updater and seed, the run's loss and rate. */
        ComputationGraph newGraph(RunSpec spec) {
            return TagModel.buildGraph(o.embeddingLayers(), data.numSamples(), data.numTags(), o.dim, o.negatives,
                    spec.loss(), spec.activation(), o.updater(), spec.lr(), o.seed);
        }

        /** The pair trainer's updater: as {@code --updater} says, else its default. */
        PairTrainer.Updater pairUpdater() {
            return o.updater == null ? PairTrainer.builder().build().updater()
                    : PairTrainer.Updater.valueOf(o.updater.toUpperCase(Locale.ROOT));
        }

        /** The pair trainer of this job's options: {@code --epochs} epochs, else the trainer's default. */
        PairTrainer pairTrainer(LossSkipGram loss, int threads) {
            PairTrainer.Builder b = PairTrainer.builder().dim(o.dim).negatives(o.negatives).threads(threads)
                    .seed(o.seed).loss(loss).updater(pairUpdater()).samplingExponent(o.samplingExponent);
            if (!Double.isNaN(o.lr)) {
                b.learningRate(o.lr);
            }
            if (o.epochs > 0) {
                b.epochs(o.epochs);
            }
            return b.build();
        }

        /** All the training pairs, for the pair trainer. */
        PairData trainingPairs() {
            return PairData.of(split.train()[0], split.train()[1], data.numSamples(), data.numTags());
        }

        /** Trains {@code epochs} epochs on all the training pairs. */
        RunResult train(ComputationGraph g, RunSpec spec, int epochs) {
            return run(g, spec, epochs, pairs, List.of()).result;
        }

        private record Trained(RunResult result, EarlyStopping.Outcome outcome) {
        }

        /** Mean per-example score over the validation batches. */
        private static double validationLoss(ComputationGraph g, List<MultiDataSet> validation) {
            double sum = 0;
            long count = 0;
            for (MultiDataSet b : validation) {
                long mb = b.getFeatures(0).size(0);
                sum += g.score(b) * mb;
                count += mb;
            }
            return sum / count;
        }

        /**
         * Trains on {@code trainPairs} {@code fixedEpochs} epochs, or, when it is 0, until the loss on
         * {@code validation} stops improving (keeping the best epoch's parameters).
         */
        private Trained run(ComputationGraph g, RunSpec spec, int fixedEpochs, TagPairs trainPairs,
                            List<MultiDataSet> validation) {
            int n = trainPairs.split().numTrain();
            int stepsPerEpoch = trainPairs.batchesPerEpoch(o.batch);
            TagPairs.Batches batches = trainPairs.batches(o.negatives, o.batch, o.seed);
            RunResult r = new RunResult();
            r.spec = spec;
            List<Double> epochLoss = new ArrayList<>();
            log.info("[{}] training {} with lr {}: {} x {} steps", spec.name(), spec.lossName(),
                    trim(spec.lr()), fixedEpochs > 0 ? fixedEpochs + " epochs" : "early-stopped epochs",
                    stepsPerEpoch);
            long start = System.nanoTime();
            long[] lastLog = {start};
            long[] step = {0};
            int window = Math.max(1, stepsPerEpoch / 10);
            double[] win = new double[2];
            INDArray[] best = new INDArray[1];
            EarlyStopping.Snapshot snapshot = new EarlyStopping.Snapshot() {
                @Override
                public void save() {
                    best[0] = g.params().dup();
                }

                @Override
                public void restore() {
                    g.setParams(best[0]);
                }
            };
            EarlyStopping.Outcome outcome = EarlyStopping.run(spec.name(), fixedEpochs, epoch -> {
                double lossSum = 0;
                long lossCount = 0;
                int b = 0;
                for (MultiDataSet batch : batches.nextEpoch()) {
                    int mb = (int) batch.getFeatures(0).size(0);
                    g.fit(batch);
                    step[0]++;
                    double score = g.score();
                    if (Double.isFinite(score)) {
                        lossSum += score * mb;
                        lossCount += mb;
                        win[0] += score * mb;
                        win[1] += mb;
                    } else {
                        r.nonfiniteSteps++;
                    }
                    b += mb;
                    if (step[0] % window == 0 || b == n) {
                        r.lossCurve.add(new double[]{epoch + (double) b / n,
                                win[1] == 0 ? Double.NaN : win[0] / win[1]});
                        win[0] = 0;
                        win[1] = 0;
                    }
                    long now = System.nanoTime();
                    if (now - lastLog[0] > 5_000_000_000L) {
                        lastLog[0] = now;
                        double sec = (now - start) / 1e9;
                        double pairsDone = (double) epoch * n + b;
                        log.info("[{}] epoch {}{} step {} | {} pairs/s | loss {}", spec.name(), epoch + 1,
                                fixedEpochs > 0 ? "/" + fixedEpochs : "", step[0], Math.round(pairsDone / sec),
                                lossCount == 0 ? "NaN" : f4(lossSum / lossCount));
                    }
                }
                epochLoss.add(lossCount == 0 ? Double.NaN : lossSum / lossCount);
                log.info("[{}] epoch {} done: training loss {}", spec.name(), epoch + 1, f4(epochLoss.get(epoch)));
            }, () -> validationLoss(g, validation), snapshot);
            r.epochLoss = epochLoss.subList(0, outcome.bestEpoch()).stream().mapToDouble(Double::doubleValue)
                    .toArray();
            r.steps = step[0];
            r.trainSeconds = (System.nanoTime() - start) / 1e9;
            r.pairsPerSecond = (double) n * outcome.epochsTrained() / r.trainSeconds;
            return new Trained(r, outcome);
        }

        /** Scores by the model's logits. */
        TagPairs.Eval evaluate(ComputationGraph g) {
            return pairs.evaluate(g, o.evalNegatives, o.seed + 1);
        }

        /** Scores by any model's logits. */
        TagPairs.Eval evaluate(TagPairs.Scorer logits) {
            return pairs.evaluateLogits(logits, o.evalNegatives, o.seed + 1);
        }

        /** The baseline without a model: score(s, t) = training frequency of t. */
        TagPairs.Eval evaluatePopularity() {
            return pairs.evaluatePopularity(o.evalNegatives, o.seed + 1);
        }

        /**
         * Prints and returns a few held-out samples with their best-scored new tags (training tags excluded).
         */
        List<Map<String, Object>> examples(TagPairs.Scorer model, int count, PrintStream out) {
            List<Integer> picks = new ArrayList<>();
            for (String name : new String[]{"gimp", "curl", "libdbi-perl", "python3-numpy", "0ad"}) {
                int s = data.indexOfSample(name);
                if (s >= 0 && isTestSample(s) && picks.size() < count) {
                    picks.add(s);
                }
            }
            for (int i = 0; i < split.numTest() && picks.size() < count; i++) {
                int s = split.test()[0][i];
                if (!picks.contains(s)) {
                    picks.add(s);
                }
            }
            List<Map<String, Object>> result = new ArrayList<>();
            out.println();
            out.println("Examples (model: " + "LossSkipGram" + "; training tags hidden from the ranking):");
            for (int s : picks) {
                List<String> heldOut = new ArrayList<>();
                for (int i = 0; i < split.numTest(); i++) {
                    if (split.test()[0][i] == s) {
                        heldOut.add(data.tag(split.test()[1][i]));
                    }
                }
                Integer[] order = new Integer[data.numTags()];
                double[] score = new double[data.numTags()];
                for (int t = 0; t < order.length; t++) {
                    order[t] = t;
                    score[t] = model.score(s, t);
                }
                Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
                List<String> top = new ArrayList<>();
                for (int t : order) {
                    if (Arrays.binarySearch(pairs.trainTagsOf(s), t) < 0) {
                        top.add(data.tag(t));
                        if (top.size() == 5) {
                            break;
                        }
                    }
                }
                List<String> known = new ArrayList<>();
                for (int t : pairs.trainTagsOf(s)) {
                    known.add(data.tag(t));
                }
                out.printf(Locale.ROOT, "  %s%s%n    training tags: %s%n    held out:      %s%n    top 5 new:     %s%n",
                        data.sample(s), data.description(s).isEmpty() ? "" : " - " + data.description(s),
                        String.join(", ", known), String.join(", ", heldOut),
                        String.join(", ", top.stream().map(t -> heldOut.contains(t) ? t + " [held out]" : t)
                                .toList()));
                Map<String, Object> ex = new LinkedHashMap<>();
                ex.put("sample", data.sample(s));
                ex.put("training_tags", known);
                ex.put("held_out_tags", heldOut);
                ex.put("top5_new_tags", top);
                result.add(ex);
            }
            return result;
        }

        private boolean isTestSample(int s) {
            for (int i = 0; i < split.numTest(); i++) {
                if (split.test()[0][i] == s) {
                    return true;
                }
            }
            return false;
        }
    }

    /** ROC AUC, see {@link TagPairs#auc}. */
    static double auc(double[] pos, double[] neg) {
        return TagPairs.auc(pos, neg);
    }

    static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}

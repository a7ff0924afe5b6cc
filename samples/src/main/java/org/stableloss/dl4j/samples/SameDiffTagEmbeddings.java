package org.stableloss.dl4j.samples;

import static org.stableloss.dl4j.embeddings.tags.CliArgs.integer;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.positiveDouble;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.positiveInt;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.unknownOption;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.samediff.SkipGramSameDiff;
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.tags.TagPairs;
import org.stableloss.dl4j.embeddings.tags.CliArgs;
import org.stableloss.dl4j.samediff.SameDiffSupport;
import org.stableloss.dl4j.embeddings.tags.TagModel;

/**
 * The tag model of {@link TagEmbeddings} written in SameDiff: {@code score(s, t) = dot(W[s], C[t])} for sample
 * embeddings {@code W [numSamples, dim]} and tag embeddings {@code C [numTags, dim]}, one positive tag and K sampled
 * negative tags per (sample, tag) pair, the loss from {@link SkipGramSameDiff#skipGram}, trained with {@code sd.fit}
 * and Adam. Run it with {@code samples/run.sh SameDiffTagEmbeddings}
 * (options: {@code --help}).
 *
 * <p>Rows are looked up as {@code sd.oneHot(idx, V).mmul(table)}, not with {@code sd.gather}, whose backprop is wrong
 * in ND4J 1.0.0-M2.1 (duplicate indices; two gathers in one graph fail to build the gradient). The one-hot product is
 * an exact row selection but costs O(B * V * D) per minibatch of B pairs, forward and backward, and the sample
 * vocabulary is the big one (14,663 in the bundled data), so a step costs several times that of {@link TagEmbeddings}'
 * ComputationGraph; larger minibatches do not help, since the product grows with B. By default (256-pair minibatches,
 * Adam 0.005, as {@link TagEmbeddings}) it trains until the loss on validation pairs (10% of the training pairs, set
 * aside) stops improving ({@link EarlyStopping}) and keeps the best epoch, so that the per-sample embeddings neither
 * overfit large data nor underfit small data; {@code --epochs N} trains N epochs instead.
 *
 * <p>Training batches (negatives) and evaluation on held-out (sample, tag) pairs ({@link TagData#split}) come from
 * {@link TagPairs}, as in {@link TagEmbeddings}: ROC AUC of the held-out pairs' scores against those of random tags
 * the sample does not have, and filtered hits@10; the same for the popularity baseline (a tag's training frequency, no
 * model).
 */
public final class SameDiffTagEmbeddings {

    private static final Logger log = LoggerFactory.getLogger(SameDiffTagEmbeddings.class);

    private SameDiffTagEmbeddings() {
    }

    /** Command-line options. */
    static final class Options {
        String data;
        /** 0: until the validation loss stops improving ({@link EarlyStopping}). */
        int epochs;
        int dim = 32;
        int negatives = 5;
        int batch = 256;
        double lr = 0.005;
        long seed = 42;
        double testFraction = 0.1;
        int evalNegatives = 10;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            CliArgs.parse(args, Set.of(), (key, value) -> {
                switch (key) {
                    case "--help" -> o.help = true;
                    case "--data" -> o.data = value;
                    case "--epochs" -> o.epochs = positiveInt(key, value);
                    case "--dim" -> o.dim = positiveInt(key, value);
                    case "--negatives" -> o.negatives = positiveInt(key, value);
                    case "--batch" -> o.batch = positiveInt(key, value);
                    case "--lr" -> o.lr = positiveDouble(key, value);
                    case "--seed" -> o.seed = integer(key, value);
                    default -> throw unknownOption(key);
                }
            });
            return o;
        }
    }

    static final String USAGE = """
            Usage: SameDiffTagEmbeddings [options]
              Learns sample and tag embeddings from (sample, tag) pairs with K sampled negative tags per pair: the
              model of TagEmbeddings in SameDiff, with SkipGramSameDiff.skipGram as the loss, sd.fit and Adam.
              Prints the held-out AUC (held-out pairs against random tags the sample does not have) at the end.
            Options:
              --data FILE        sample<TAB>tag1,tag2,...[<TAB>more columns] per line, plain or .gz
                                 (default: the bundled Debtags snapshot, 14,663 Debian packages, 488 tags)
              --epochs N         training epochs (default: until the loss on validation pairs, 10% of the
                                 training pairs set aside, stops improving)
              --dim D            embedding size (default 32)
              --negatives K      sampled negative tags per positive pair (default 5)
              --batch N          positive pairs per minibatch (default 256)
              --lr LR            Adam learning rate (default 0.005)
              --seed N           random seed: split, init, shuffling, negatives (default 42)
              --help             this text
            """;

    /**
     * What a run measured: {@code epochLoss[0]} before training, {@code [e]} after epoch e, on the monitored
     * training pairs, up to the epoch whose parameters the run kept.
     */
    record Result(int trainPairs, int testPairs, double[] epochLoss, double auc, double popularityAuc,
                  double hitsAt10, double popularityHitsAt10, double pairsPerSecond) {
    }

    /**
     * Runs the sample; on failure exits with code 1 (bad data) or 2 (bad command line, see {@code --help}).
     *
     * @param args the options
     */
    public static void main(String[] args) {
        CliArgs.exitOnFailure(run(args, System.out, System.err));
    }

    /** Runs the job; returns the exit code (0 ok, 1 bad data, 2 bad command line). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CliArgs.run(args, out, err, Options::parse, o -> o.help, USAGE, o -> {
            runJob(o, out);
            return 0;
        });
    }

    static Result runJob(Options o, PrintStream out) {
        TagData data = TagData.loadOrBundled(o.data);
        TagData.Split split = data.splitForEvaluation(o.testFraction, o.seed);
        log.info("data {}: {} samples, {} tags, {} pairs -> {} training, {} held out", data.source(),
                data.numSamples(), data.numTags(), data.numPairs(), split.numTrain(), split.numTest());
        log.info("model: dim {}, {} negatives per pair, minibatch {}, {} epochs, Adam({}), seed {};"
                        + " ND4J backend {}, {} threads", o.dim, o.negatives, o.batch,
                o.epochs > 0 ? o.epochs : "early-stopped", o.lr, o.seed,
                Nd4j.getBackend().getClass().getSimpleName(), Nd4j.getEnvironment().maxThreads());
        if (System.getenv("OMP_NUM_THREADS") == null) {
            log.warn("OMP_NUM_THREADS is not set: the arrays here are small, and when other work shares the cores"
                    + " ND4J's OpenMP threads can slow every op down many times; OMP_NUM_THREADS=1 is usually fastest");
        }

        TagPairs pairs = new TagPairs(data, split);
        // training pairs: all of the split's, or (early stopping) all but the validation pairs
        TagPairs trainPairs = o.epochs > 0 ? pairs
                : new TagPairs(data, EarlyStopping.carve(split, EarlyStopping.VALIDATION_FRACTION, o.seed + 3));
        List<MultiDataSet> validation = new ArrayList<>();
        if (o.epochs == 0) {
            for (org.nd4j.linalg.dataset.api.MultiDataSet b
                    : trainPairs.heldOutBatches(o.negatives, o.batch, o.seed + 4)) {
                validation.add(placeholders(b));
            }
        }
        SameDiff sd = buildModel(data.numSamples(), data.numTags(), o.dim, o.negatives, new LossSkipGram(), o.seed);
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(o.lr))
                .dataSetFeatureMapping("sampleIdx", "positiveIdx", "negativeIdx")
                .markLabelsUnused()
                .build());
        SameDiffSupport.createGradFunctionQuietly(sd);

        // ---- training ----
        // sd.fit does not compute the loss's value (its gradient does not need it), so the loss is monitored on
        // fixed training pairs with fixed negatives (the first batches of a shuffled epoch), after each epoch: a few
        // forward passes
        List<MultiDataSet> monitor = new ArrayList<>();
        long monitored = 0;
        for (org.nd4j.linalg.dataset.api.MultiDataSet batch
                : trainPairs.batches(o.negatives, o.batch, o.seed + 2).nextEpoch()) {
            if (monitored >= MONITOR_PAIRS) {
                break;
            }
            monitor.add(placeholders(batch));
            monitored += batch.getFeatures(0).size(0);
        }
        int n = trainPairs.split().numTrain();
        TagPairs.Batches batches = trainPairs.batches(o.negatives, o.batch, o.seed);
        long stepsPerEpoch = trainPairs.batchesPerEpoch(o.batch);
        List<Double> losses = new ArrayList<>();
        losses.add(meanLoss(sd, monitor));
        log.info("initial loss {} per pair (its positive + {} negatives; {} training pairs)", f4(losses.get(0)),
                o.negatives, monitored);
        long[] step = {0};
        long start = System.nanoTime();
        long[] lastLog = {start};
        INDArray[] best = new INDArray[2];
        EarlyStopping.Outcome outcome = EarlyStopping.run("samediff", o.epochs, epoch -> {
            long done = 0;
            for (org.nd4j.linalg.dataset.api.MultiDataSet batch : batches.nextEpoch()) {
                sd.fit(placeholders(batch));
                step[0]++;
                done += batch.getFeatures(0).size(0);
                long now = System.nanoTime();
                if (now - lastLog[0] > 5_000_000_000L) {
                    lastLog[0] = now;
                    double sec = (now - start) / 1e9;
                    log.info("epoch {} step {} of {} | {} pairs/s", epoch + 1, step[0] - epoch * stepsPerEpoch,
                            stepsPerEpoch, Math.round(((double) epoch * n + done) / sec));
                }
            }
            losses.add(meanLoss(sd, monitor));
            log.info("epoch {} done: training loss {} per pair", epoch + 1, f4(losses.get(epoch + 1)));
        }, () -> meanLoss(sd, validation), new EarlyStopping.Snapshot() {
            @Override
            public void save() {
                best[0] = sd.getVariable("W").getArr().dup();
                best[1] = sd.getVariable("C").getArr().dup();
            }

            @Override
            public void restore() {
                sd.getVariable("W").getArr().assign(best[0]);
                sd.getVariable("C").getArr().assign(best[1]);
            }
        });
        double[] epochLoss = losses.subList(0, outcome.bestEpoch() + 1).stream().mapToDouble(Double::doubleValue)
                .toArray();
        int epochs = outcome.bestEpoch();
        double seconds = (System.nanoTime() - start) / 1e9;
        double pairsPerSecond = (double) n * outcome.epochsTrained() / seconds;
        log.info("trained {} steps in {} s, {} pairs/s", step[0], Math.round(seconds), Math.round(pairsPerSecond));

        // ---- evaluation ----
        float[][] w = sd.getVariable("W").getArr().toFloatMatrix();
        float[][] c = sd.getVariable("C").getArr().toFloatMatrix();
        TagPairs.Eval model = pairs.evaluate((s, t) -> TagPairs.dot(w[s], c[t]), o.evalNegatives, o.seed + 1);
        TagPairs.Eval popularity = pairs.evaluatePopularity(o.evalNegatives, o.seed + 1);
        double auc = model.auc();
        double popularityAuc = popularity.auc();
        double hits = model.hitsAt10();
        double popularityHits = popularity.hitsAt10();
        out.println();
        out.printf(Locale.ROOT, "Held-out evaluation: %d pairs (AUC against %d random tags the sample does not have;"
                + " filtered hits@10 over all %d tags)%n", split.numTest(), o.evalNegatives, data.numTags());
        out.printf(Locale.ROOT, "  %-46s %7s %8s%n", "", "AUC", "hits@10");
        out.printf(Locale.ROOT, "  %-46s %7.4f %8.4f%n", "SameDiff model, SkipGramSameDiff.skipGram", auc, hits);
        out.printf(Locale.ROOT, "  %-46s %7.4f %8.4f%n", "popularity (tag frequency, no model)", popularityAuc,
                popularityHits);
        out.printf(Locale.ROOT, "Training: %d epochs (parameters of epoch %d kept) x %d steps, %.1f s, %.0f pairs/s;"
                        + " loss per pair %.4f -> %.4f%n", outcome.epochsTrained(), epochs, stepsPerEpoch, seconds,
                pairsPerSecond, epochLoss[0], epochLoss[epochs]);
        return new Result(n, split.numTest(), epochLoss, auc, popularityAuc, hits, popularityHits, pairsPerSecond);
    }

    /** Training pairs whose loss is monitored after each epoch: the first batches of an epoch with this many. */
    static final int MONITOR_PAIRS = 2048;

    /** The model's loss over the batches, weighted by their sizes. */
    static double meanLoss(SameDiff sd, List<MultiDataSet> batches) {
        double sum = 0;
        long count = 0;
        for (MultiDataSet mds : batches) {
            INDArray[] f = mds.getFeatures();
            double l = sd.output(Map.of("sampleIdx", f[0], "positiveIdx", f[1], "negativeIdx", f[2]), LOSS)
                    .get(LOSS).getDouble(0);
            sum += l * f[0].length();
            count += f[0].length();
        }
        return sum / count;
    }

    /** The name of the model's loss variable. */
    static final String LOSS = "loss";

    /**
     * The model, in FLOAT. Placeholders (INT): {@code sampleIdx [B]}, {@code positiveIdx [B]} and
     * {@code negativeIdx [B, K]}; variables {@code W [numSamples, dim]} (samples) and {@code C [numTags, dim]}
     * (tags), N(0, 0.1) as in {@link TagModel}. The loss {@value #LOSS} is the per-pair loss (the
     * positive and its K negatives) averaged over the minibatch, the score of {@link TagEmbeddings}' LossLayer.
     */
    static SameDiff buildModel(int numSamples, int numTags, int dim, int negatives, LossSkipGram loss, long seed) {
        SameDiff sd = SameDiff.create();
        Random r = new Random(seed);
        SDVariable w = sd.var("W", normal(r, 0.1, numSamples, dim));
        SDVariable c = sd.var("C", normal(r, 0.1, numTags, dim));
        SDVariable sampleIdx = sd.placeHolder("sampleIdx", DataType.INT, -1);
        SDVariable positiveIdx = sd.placeHolder("positiveIdx", DataType.INT, -1);
        SDVariable negativeIdx = sd.placeHolder("negativeIdx", DataType.INT, -1, negatives);
        // exact row look-ups as one-hot products (sd.gather's backprop is broken in M2.1)
        SDVariable anchor = sd.oneHot(sampleIdx, numSamples, -1, 1.0, 0.0, DataType.FLOAT).mmul(w);       // [B, D]
        SDVariable positive = sd.oneHot(positiveIdx, numTags, -1, 1.0, 0.0, DataType.FLOAT).mmul(c);      // [B, D]
        SDVariable negativeRows = sd.oneHot(sd.reshape(negativeIdx, -1), numTags, -1, 1.0, 0.0, DataType.FLOAT)
                .mmul(c);                                                                                 // [B*K, D]
        SDVariable negs = sd.reshape(negativeRows, -1, negatives, dim);                                  // [B, K, D]
        SDVariable perPair = SkipGramSameDiff.skipGram(sd, "skipGram", anchor, positive, negs, null,
                LossReduce.NONE, loss);                                                                   // [B]
        sd.mean(LOSS, perPair).markAsLoss();
        return sd;
    }

    /**
     * A {@link TagPairs} batch (sample [mb, 1], tags [mb, K + 1] with the positive first, as floats) as the model's
     * placeholders, INT: sampleIdx [mb], positiveIdx [mb], negativeIdx [mb, K].
     */
    static MultiDataSet placeholders(org.nd4j.linalg.dataset.api.MultiDataSet batch) {
        INDArray tags = batch.getFeatures(1).castTo(DataType.INT);
        return new MultiDataSet(new INDArray[]{batch.getFeatures(0).castTo(DataType.INT).reshape(-1),
                tags.get(NDArrayIndex.all(), NDArrayIndex.point(0)).dup(),
                tags.get(NDArrayIndex.all(), NDArrayIndex.interval(1, tags.size(1))).dup()}, new INDArray[0]);
    }

    private static INDArray normal(Random r, double sd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * sd);
        }
        return Nd4j.create(v, new long[]{rows, cols}, DataType.FLOAT);
    }

    static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}

package org.stableloss.dl4j.scaleout;

import static org.stableloss.dl4j.embeddings.tags.CliArgs.fraction;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.integer;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.oneOf;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.positiveDouble;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.positiveInt;
import static org.stableloss.dl4j.embeddings.tags.CliArgs.unknownOption;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.stableloss.dl4j.LossSkipGram;
import org.stableloss.dl4j.embeddings.tags.CliArgs;
import org.stableloss.dl4j.embeddings.tags.TagData;
import org.stableloss.dl4j.embeddings.tags.TagPairs;
import org.stableloss.dl4j.embeddings.BaseRowSparseLayer;
import org.stableloss.dl4j.embeddings.tags.TagModel;

/**
 * The samples' tag model ({@link TagModel}, {@link LossSkipGram}) trained with DL4J on Apache Spark:
 * {@link SparkComputationGraph} with a {@link ParameterAveragingTrainingMaster} ({@link RDDTrainingApproach#Direct}).
 * Run with {@code --help} for the options; {@code scale-out/run-spark-tag-embeddings.sh} runs it with the JVM flags
 * Java 17 needs, and docs/training-at-scale.md shows the spark-submit command for a cluster.
 *
 * <p>The driver reads the data, builds each epoch's batches (fresh negatives) with {@link TagPairs} and parallelizes
 * them; the executors train. The held-out loss is computed on the executors
 * ({@link SparkComputationGraph#calculateScoreMultiDataSet}, which rebuilds the network from its JSON configuration
 * there), AUC and hits@10 on the driver, exactly as the single-machine sample computes them.
 */
public final class SparkTagEmbeddings {

    private SparkTagEmbeddings() {
    }

    /** Command-line options; each field is the option of the same name ({@code --help} lists them). */
    public static final class Options {
        /** {@code --data}: a {@code sample<TAB>tag1,tag2,...} file read by the driver; null for the bundled data. */
        public String data;
        /** {@code --master}: the Spark master; when null, spark-submit's {@code --master}, else {@code local[2]}. */
        public String master;
        /** {@code --serializer}: {@code kryo} (with {@code Nd4jRegistrator}) or {@code java}. */
        public String serializer = "kryo";
        /** {@code --epochs}: passes over the training pairs (each worker sees 1/W of every epoch). */
        public int epochs = 8;
        /** {@code --dim}: embedding size. */
        public int dim = 32;
        /** {@code --negatives}: K, sampled negative tags per pair. */
        public int negatives = 5;
        /** {@code --batch}: pairs per minibatch. */
        public int batch = 256;
        /** {@code --averaging-frequency}: minibatches per worker between parameter averagings. */
        public int averagingFrequency = 4;
        /** {@code --embeddings}: {@code "rowsparse"} (per-row AdaGrad) or {@code "dense"} (DL4J's layers, Adam). */
        public String embeddings = "rowsparse";
        /** {@code --lr}: the learning rate; NaN for the embedding layers' default ({@link #learningRate()}). */
        public double lr = Double.NaN;
        /** {@code --seed}: seed of the split, the initial parameters and the negatives. */
        public long seed = 42;
        /** {@code --test-fraction}: share of pairs held out (each sample keeps one training tag). */
        public double testFraction = 0.1;
        /** @return {@link #lr}, or the default of the embedding layers: AdaGrad 0.1 (row-sparse), Adam 0.01 */
        public double learningRate() {
            return !Double.isNaN(lr) ? lr : embeddings.equals("dense") ? 0.01
                    : BaseRowSparseLayer.DEFAULT_LEARNING_RATE;
        }

        /** Random tags each held-out pair is ranked against for AUC (no command-line option). */
        public int evalNegatives = 10;
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            CliArgs.parse(args, Set.of(), (key, value) -> {
                switch (key) {
                    case "--help" -> o.help = true;
                    case "--data" -> o.data = value;
                    case "--master" -> o.master = value;
                    case "--serializer" -> o.serializer = oneOf(key, value, "kryo", "java");
                    case "--epochs" -> o.epochs = positiveInt(key, value);
                    case "--dim" -> o.dim = positiveInt(key, value);
                    case "--negatives" -> o.negatives = positiveInt(key, value);
                    case "--batch" -> o.batch = positiveInt(key, value);
                    case "--averaging-frequency" -> o.averagingFrequency = positiveInt(key, value);
                    case "--lr" -> o.lr = positiveDouble(key, value);
                    case "--embeddings" -> o.embeddings = oneOf(key, value, "rowsparse", "dense");
                    case "--seed" -> o.seed = integer(key, value);
                    case "--test-fraction" -> o.testFraction = fraction(key, value);
                    default -> throw unknownOption(key);
                }
            });
            return o;
        }
    }

    static final String USAGE = """
            Usage: SparkTagEmbeddings [options]
              Trains the samples' tag model (sample and tag embeddings, LossSkipGram, K sampled negative tags per
              pair) with DL4J on Spark: parameter averaging, RDDTrainingApproach.Direct. Prints the held-out loss
              (computed on the executors), AUC and hits@10 (as TagEmbeddings computes them).
            Options:
              --data FILE             sample<TAB>tag1,tag2,... per line, plain or .gz, read by the driver
                                      (default: the bundled Debtags snapshot, 14,663 packages, 488 tags)
              --master URL            Spark master (default: spark-submit's --master, else local[2])
              --serializer S          kryo (default; with org.nd4j.kryo.Nd4jRegistrator) or java
              --epochs N              passes over the training pairs (default 8; parameter averaging over W workers
                                      needs about W times the epochs of one machine)
              --batch N               positive pairs per minibatch = batchSizePerWorker (default 256)
              --averaging-frequency N minibatches per worker between parameter averagings (default 4)
              --embeddings E          rowsparse (default: row-sparse layers, per-row AdaGrad; a step costs what
                                      the minibatch touches) or dense (DL4J's EmbeddingLayer, Adam)
              --lr LR                 learning rate (default: 0.1, the row-sparse layers' AdaGrad default; dense:
                                      Adam 0.01, twice the single-machine sample's 0.005, as averaging over 2
                                      workers halves most embedding-row updates; bundled data, 8 epochs,
                                      local[2]: held-out AUC 0.892 at 0.01, 0.815 at 0.005)
              --dim D                 embedding size (default 32)
              --negatives K           sampled negative tags per positive pair (default 5)
              --seed N                split, init, negatives (default 42)
              --test-fraction F       share of pairs held out (default 0.1)
              --help                  this text
            """;

    /** What one Spark training run gives. */
    public record Result(TagPairs.Eval eval, double heldOutLossSpark, double heldOutLossDriver, int nonFiniteFits,
                         int fits, double trainSeconds, ComputationGraph network) {
    }

    /** Spark settings for the chosen serializer (Kryo needs ND4J's registrator for INDArrays). */
    public static SparkConf configure(SparkConf conf, String serializer) {
        if (serializer.equals("kryo")) {
            conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        } else {
            conf.set("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
        }
        return conf;
    }

    /**
     * The tag model with LossSkipGram (exact): row-sparse layers with per-row AdaGrad, or DL4J's dense layers with
     * Adam ({@code --embeddings}).
     */
    public static ComputationGraph newGraph(TagData data, Options o) {
        boolean dense = o.embeddings.equals("dense");
        return TagModel.buildGraph(TagModel.Embeddings.of(o.embeddings), data.numSamples(), data.numTags(), o.dim,
                o.negatives, new LossSkipGram(), Activation.IDENTITY, dense ? "adam" : "adagrad", o.learningRate(),
                o.seed);
    }

    /** Trains on {@code sc} and evaluates; {@code pairs} holds the data and split. */
    public static Result train(JavaSparkContext sc, TagPairs pairs, Options o, PrintStream log) {
        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(o.batch)
                .batchSizePerWorker(o.batch)
                .averagingFrequency(o.averagingFrequency)
                .workerPrefetchNumBatches(0)
                // Export (the default) writes batches to a shared file system; Direct keeps them in the RDD,
                // which works on any cluster and in local mode.
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .collectTrainingStats(false)
                // The row-sparse layers' AdaGrad accumulators are parameters and are averaged with the tables.
                // For --embeddings dense: average and keep Adam's moments between averaging rounds. The builder's
                // default (false) restarts them every round while the iteration count goes on: the bias correction
                // then inflates the first step about 3x, and the model trains worse (fixture, batches of 64, averaging every 4, Adam 0.01:
                // held-out AUC 0.64 instead of 0.80 after 8 epochs, 0.85 instead of 0.87 after 16).
                .saveUpdater(true)
                .rngSeed(o.seed)
                .build();
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, newGraph(pairs.data(), o), tm);
        TagPairs.Batches batches = pairs.batches(o.negatives, o.batch, o.seed);
        int partitions = sc.defaultParallelism();
        int nonFinite = 0;
        long t0 = System.nanoTime();
        for (int epoch = 0; epoch < o.epochs; epoch++) {
            JavaRDD<MultiDataSet> rdd = sc.parallelize(batches.nextEpoch(), partitions);
            sparkNet.fitMultiDataSet(rdd);
            // the mean minibatch score of the last averaging round
            double score = sparkNet.getScore();
            if (!Double.isFinite(score)) {
                nonFinite++;
            }
            log.printf(Locale.ROOT, "epoch %d/%d: last averaged minibatch score %.4f%n", epoch + 1, o.epochs, score);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        tm.deleteTempFiles(sc);

        ComputationGraph net = sparkNet.getNetwork();
        List<MultiDataSet> heldOut = pairs.heldOutBatches(o.negatives, o.batch, o.seed + 2);
        // Scored on the executors: each partition rebuilds the network from its JSON configuration (the loss
        // included) and the broadcast parameters.
        double sparkLoss = sparkNet.calculateScoreMultiDataSet(sc.parallelize(heldOut, partitions), true, o.batch);
        double driverLoss = net.score(org.nd4j.linalg.dataset.MultiDataSet.merge(heldOut));
        TagPairs.Eval eval = pairs.evaluate(net, o.evalNegatives, o.seed + 1);
        return new Result(eval, sparkLoss, driverLoss, nonFinite, o.epochs, seconds, net);
    }

    /**
     * Runs the job and ends the JVM with its exit code when that is not 0.
     *
     * @param args the options ({@code --help} lists them)
     */
    public static void main(String[] args) {
        CliArgs.exitOnFailure(run(args, System.out, System.err));
    }

    /** Runs the job; returns the exit code (0 ok, 1 bad data, 2 bad command line, 3 non-finite scores). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CliArgs.run(args, out, err, Options::parse, o -> o.help, USAGE, o -> runJob(o, out));
    }

    private static int runJob(Options o, PrintStream out) {
        TagData data = TagData.loadOrBundled(o.data);
        TagData.Split split = data.splitForEvaluation(o.testFraction, o.seed);
        TagPairs pairs = new TagPairs(data, split);

        SparkConf conf = configure(new SparkConf().setAppName("dl4j-stable-loss SparkTagEmbeddings"), o.serializer);
        if (o.master != null) {
            conf.setMaster(o.master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[2]");
        }
        out.printf(Locale.ROOT, "data %s: %d samples, %d tags, %d training pairs, %d held out%n",
                data.source(), data.numSamples(), data.numTags(), split.numTrain(), split.numTest());
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            out.printf(Locale.ROOT, "Spark %s, master %s, %d partitions, serializer %s; %d epochs x %d"
                            + " batches of %d, averaging every %d batches per worker%n", sc.version(), sc.master(),
                    sc.defaultParallelism(), conf.get("spark.serializer"), o.epochs, pairs.batchesPerEpoch(o.batch),
                    o.batch, o.averagingFrequency);
            Result r = train(sc, pairs, o, out);
            out.printf(Locale.ROOT, "held-out loss %.4f (on the executors), %.4f (on the driver)%n",
                    r.heldOutLossSpark(), r.heldOutLossDriver());
            out.printf(Locale.ROOT, "held-out AUC %.4f, hits@10 %.4f; %d of %d fits with a non-finite score;"
                            + " %.1f s training%n", r.eval().auc(), r.eval().hitsAt10(), r.nonFiniteFits(), r.fits(),
                    r.trainSeconds());
            return r.nonFiniteFits() == 0 ? 0 : 3;
        }
    }
}

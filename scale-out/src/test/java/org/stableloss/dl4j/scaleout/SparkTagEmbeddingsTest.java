package org.stableloss.dl4j.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The samples' tag model trained with DL4J on Spark local[2] (parameter averaging, RDDTrainingApproach.Direct) with
 * each serializer, against one machine at the same number of updates (see {@link TagFixture}).
 *
 * <p>The loss reaches the executors in two ways, both exercised here: inside the broadcast network configuration
 * (Java or Kryo serialization) during {@code fit}, and as JSON for scoring: {@code calculateScoreMultiDataSet}
 * rebuilds the network from {@code ComputationGraphConfiguration.fromJson} on every partition, so a held-out loss
 * from the executors equal to the driver's shows that the loss survived JSON and computes the same there. (In local
 * mode the executor threads share the driver's broadcast instance: {@link LossTransportTest} checks that Java and
 * Kryo serialization give the loss back.)
 */
class SparkTagEmbeddingsTest {

    @Test
    void javaSerializer() {
        trainAndCompare("java");
    }

    @Test
    void kryoSerializerWithNd4jRegistrator() {
        trainAndCompare("kryo");
    }

    /** The entry point end to end (2 epochs: it runs, it reports; quality is the tests above). */
    @Test
    void entryPointOnFixture() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setProperty("spark.ui.enabled", "false");
        int rc;
        try {
            rc = SparkTagEmbeddings.run(new String[]{"--data", TagFixture.FILE.toString(), "--master", "local[2]",
                            "--epochs", "2", "--batch", "64", "--serializer", "kryo"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.clearProperty("spark.ui.enabled");
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("477 samples, 174 tags, 2151 training pairs, 151 held out"), text);
        assertTrue(text.contains("held-out AUC") && text.contains("0 of 2 fits with a non-finite score"), text);
    }

    @Test
    void entryPointOptions() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, SparkTagEmbeddings.run(new String[]{"--help"}, ps, ps));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--averaging-frequency"));
        assertEquals(2, SparkTagEmbeddings.run(new String[]{"--serializer", "xml"}, ps, ps));
        assertEquals(2, SparkTagEmbeddings.run(new String[]{"--epochs", "0"}, ps, ps));
        assertEquals(2, SparkTagEmbeddings.run(new String[]{"--frobnicate"}, ps, ps));
        assertEquals(1, SparkTagEmbeddings.run(new String[]{"--data", "no/such/file.tsv"}, ps, ps));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("no such file"));
    }

    private static void trainAndCompare(String serializer) {
        TagFixture.Baseline single = TagFixture.singleMachine();
        SparkTagEmbeddings.Options o = TagFixture.options(TagFixture.SCALE_OUT_EPOCHS);
        o.serializer = serializer;
        SparkConf conf = SparkTagEmbeddings.configure(new SparkConf(), serializer)
                .setMaster("local[" + TagFixture.WORKERS + "]")
                .setAppName("SparkTagEmbeddingsTest-" + serializer)
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        SparkTagEmbeddings.Result r;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            r = SparkTagEmbeddings.train(sc, TagFixture.PAIRS, o, System.out);
        }
        TagFixture.report("Spark local[2] " + serializer, r.eval(), r.heldOutLossSpark(), r.trainSeconds());

        assertEquals(0, r.nonFiniteFits(), "fits with a non-finite score");
        // The row-sparse layers keep their AdaGrad accumulators as parameters, so parameter averaging carries them
        // from round to round with the tables. Both runs make the same number of updates per parameter copy, so
        // their accumulated squared gradients are alike; restarted every round (4 batches of 17 per worker-epoch)
        // they would hold a few rounds' worth.
        double accumulators = TagFixture.accumulatorSum(r.network());
        System.out.printf(Locale.ROOT, "AdaGrad accumulators: %.2f (Spark %s), %.2f (one machine)%n",
                accumulators, serializer, single.accumulatorSum());
        assertTrue(accumulators > 0.5 * single.accumulatorSum(), "AdaGrad accumulators " + accumulators
                + " against " + single.accumulatorSum() + " on one machine: lost between averaging rounds?");
        assertTrue(Double.isFinite(r.heldOutLossSpark()), "held-out loss " + r.heldOutLossSpark());
        // executors (network from JSON) and driver score the same parameters and data: float32 sums in another order
        assertEquals(r.heldOutLossDriver(), r.heldOutLossSpark(), 1e-4 * r.heldOutLossDriver(),
                "held-out loss on the executors vs on the driver");
        Tolerance.assertSameQuality(single.eval(), r.eval(), "Spark/" + serializer);
    }
}

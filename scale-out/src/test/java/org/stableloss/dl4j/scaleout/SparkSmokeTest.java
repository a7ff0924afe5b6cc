package org.stableloss.dl4j.scaleout;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** DL4J on Spark local[2], parameter averaging, with Spark's Java serializer and with Kryo + Nd4jRegistrator. */
class SparkSmokeTest {

    private static final int BATCH = 32;

    @Test
    void javaSerializer() {
        fitAndCheck(new SparkConf().set("spark.serializer", "org.apache.spark.serializer.JavaSerializer"));
    }

    @Test
    void kryoSerializerWithNd4jRegistrator() {
        fitAndCheck(new SparkConf()
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator"));
    }

    private static void fitAndCheck(SparkConf conf) {
        conf.setMaster("local[2]")
                .setAppName("dl4j-stable-loss-scale-out-smoke")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        List<MultiDataSet> train = TinySkipGram.batches(64, BATCH, 1);
        MultiDataSet all = TinySkipGram.merged(train);

        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(BATCH)
                    .batchSizePerWorker(BATCH)
                    .averagingFrequency(4)
                    .workerPrefetchNumBatches(0)
                    // The default (Export) approach refuses a local file system outside local[*].
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .rngSeed(7)
                    .build();
            SparkComputationGraph sparkNet = new SparkComputationGraph(sc, TinySkipGram.network(42), tm);
            double before = sparkNet.getNetwork().score(all);

            JavaRDD<MultiDataSet> rdd = sc.parallelize(train, 2);
            for (int epoch = 0; epoch < 6; epoch++) {
                sparkNet.fitMultiDataSet(rdd);
            }
            // getScore() is the last averaged minibatch score: noisy. Score the whole set instead.
            double after = sparkNet.getNetwork().score(all);
            System.out.printf("Spark local[2] (%s): score %.4f -> %.4f%n",
                    conf.get("spark.serializer"), before, after);
            assertTrue(Double.isFinite(after), "score is not finite: " + after);
            assertTrue(after < 0.8 * before, "score did not decrease enough: " + before + " -> " + after);
            tm.deleteTempFiles(sc);
        }
    }
}

package org.stableloss.dl4j.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.stableloss.dl4j.LossSkipGram;
import scala.reflect.ClassTag$;
import org.stableloss.dl4j.embeddings.tags.TagModel;

/**
 * The three ways the loss travels in scale-out training, checked without a cluster. In Spark local mode the
 * broadcast network configuration is never deserialized (executor threads share the driver's instance), so the
 * Spark tests alone would not catch a loss that fails to come back from Java or Kryo serialization.
 */
class LossTransportTest {

    /** The samples' tag model with a loss whose options all differ from the defaults (they must travel too). */
    private final ComputationGraphConfiguration conf = TagModel.buildGraph(20, 7, 4, 3,
            LossSkipGram.builder().clamped(1e-4).positiveWeight(2).negativeWeight(0.5).build(), Activation.IDENTITY,
            "adam", 0.01, 5).getConfiguration();

    @Test
    void json() {
        // ParallelWrapper clones and model save/load/scoring go through Jackson.
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
    }

    @Test
    void javaSerialization() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(conf);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(conf, in.readObject());
        }
    }

    @Test
    void kryoWithNd4jRegistrator() {
        SerializerInstance kryo = new KryoSerializer(new SparkConf()
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator")).newInstance();
        ByteBuffer bytes = kryo.serialize(conf, ClassTag$.MODULE$.apply(ComputationGraphConfiguration.class));
        Object back = kryo.deserialize(bytes, ClassTag$.MODULE$.apply(ComputationGraphConfiguration.class));
        assertEquals(conf, back);
    }
}

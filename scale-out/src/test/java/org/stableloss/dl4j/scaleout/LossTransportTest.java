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
import scala.reflect.ClassTag$;

/**
 * The three ways the loss travels in scale-out training, checked without a cluster. In Spark local mode the
 * broadcast network configuration is never deserialized (executor threads share the driver's instance), so the
 * smoke tests alone would not catch a loss that fails to come back from Java or Kryo serialization.
 */
class LossTransportTest {

    private final ComputationGraphConfiguration conf = TinySkipGram.network(42).getConfiguration();

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

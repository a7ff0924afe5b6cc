package org.stableloss.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * How a configuration is read: JSON that leaves fields out gets the defaults, and a loss in which every term is
 * weighted 0 (it would neither score nor train anything) is rejected by the builder, by JSON and by Java
 * deserialization, with a message naming the field, what was expected and what was found.
 */
class LossSkipGramConfigurationTest {

    private static final String CLASS = "\"@class\":\"org.stableloss.dl4j.LossSkipGram\"";
    /** A weight whose bit pattern occurs nowhere else in a serialized loss, to be overwritten in the stream. */
    private static final double MARKER = 0.7731;

    @ParameterizedTest
    @ValueSource(strings = {"{" + CLASS + "}", "{" + CLASS + ",\"mode\":\"EXACT\"}",
            "{" + CLASS + ",\"positiveWeight\":1.0}", "{" + CLASS + ",\"mode\":null,\"negativeWeight\":null}"})
    void jsonWithFieldsLeftOutGivesTheDefaultLoss(String json) throws IOException {
        ILossFunction loss = NeuralNetConfiguration.mapper().readValue(json, ILossFunction.class);
        assertEquals(new LossSkipGram(), loss);
        LossSkipGram read = (LossSkipGram) loss;
        assertEquals(LossSkipGram.Mode.EXACT, read.getMode());
        assertEquals(1.0, read.getPositiveWeight());
        assertEquals(1.0, read.getNegativeWeight());
        assertEquals(null, read.getWeights());
        assertTrue(Double.isNaN(read.getEps()));
    }

    @Test
    void jsonWithOnlyTheClampedModeAndEpsKeepsWeightsOne() throws IOException {
        ILossFunction loss = NeuralNetConfiguration.mapper().readValue(
                "{" + CLASS + ",\"mode\":\"CLAMPED\",\"eps\":1.0E-4}", ILossFunction.class);
        assertEquals(LossSkipGram.builder().clamped(1e-4).build(), loss);
    }

    @Test
    void builderRejectsEveryTermWeightedZero() {
        assertMessage(() -> LossSkipGram.builder().positiveWeight(0).negativeWeight(0).build(),
                "positiveWeight and negativeWeight must not both be 0", "expected at least one > 0",
                "got positiveWeight=0.0, negativeWeight=0.0");
        assertMessage(() -> LossSkipGram.builder().weights(Nd4j.zeros(1, 3)).build(),
                "weights (outputWeights) must not all be 0", "expected at least one > 0", "got [0.0, 0.0, 0.0]");
        LossSkipGram.builder().positiveWeight(0).build();
        LossSkipGram.builder().negativeWeight(0).weights(Nd4j.createFromArray(new double[] {0, 0, 2})).build();
    }

    @Test
    void jsonRejectsEveryTermWeightedZero() {
        assertCausedBy(() -> NeuralNetConfiguration.mapper().readValue(
                "{" + CLASS + ",\"positiveWeight\":0.0,\"negativeWeight\":0.0}", ILossFunction.class),
                "positiveWeight and negativeWeight must not both be 0", "got positiveWeight=0.0, negativeWeight=0.0");
        assertCausedBy(() -> NeuralNetConfiguration.mapper().readValue(
                "{" + CLASS + ",\"outputWeights\":[0.0,0.0]}", ILossFunction.class),
                "weights (outputWeights) must not all be 0", "got [0.0, 0.0]");
        String network = GoldenConfigurationTest.golden("multilayer-configuration.json")
                .replace("\"outputWeights\" : [ 1.0, 0.1, 0.0, 4.0 ]", "\"outputWeights\" : [ 0.0, 0.0, 0.0, 0.0 ]");
        assertCausedBy(() -> MultiLayerConfiguration.fromJson(network),
                "weights (outputWeights) must not all be 0", "got [0.0, 0.0, 0.0, 0.0]");
    }

    @Test
    void javaDeserializationRejectsEveryTermWeightedZero() throws IOException {
        byte[] pairs = zeroMarker(serialize(LossSkipGram.builder().positiveWeight(0).negativeWeight(MARKER).build()));
        InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> deserialize(pairs));
        assertContains(e.getMessage(), "invalid LossSkipGram", "positiveWeight and negativeWeight must not both be 0",
                "got positiveWeight=0.0, negativeWeight=0.0");
        assertTrue(e.getCause() instanceof IllegalArgumentException, "cause: " + e.getCause());

        byte[] outputs = zeroMarker(serialize(LossSkipGram.builder()
                .weights(Nd4j.createFromArray(new double[] {0.0, MARKER})).build()));
        InvalidObjectException e2 = assertThrows(InvalidObjectException.class, () -> deserialize(outputs));
        assertContains(e2.getMessage(), "weights (outputWeights) must not all be 0", "got [0.0, 0.0]");
    }

    @Test
    void javaDeserializationChecksLikeTheConstructorAndCopies() throws IOException, ClassNotFoundException {
        LossSkipGram loss = LossSkipGram.builder().clamped(1e-3).negativeWeight(MARKER)
                .weights(Nd4j.createFromArray(new double[] {1, 2})).build();
        assertEquals(loss, deserialize(serialize(loss)));
    }

    private static byte[] serialize(LossSkipGram loss) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(loss);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    /** The stream with the one occurrence of {@link #MARKER} (big-endian, as Java serialization writes) set to 0. */
    private static byte[] zeroMarker(byte[] stream) {
        byte[] pattern = ByteBuffer.allocate(8).putDouble(MARKER).array();
        int found = -1;
        for (int i = 0; i + 8 <= stream.length; i++) {
            if (ByteBuffer.wrap(stream, i, 8).equals(ByteBuffer.wrap(pattern))) {
                assertEquals(-1, found, "test setup: the marker occurs more than once");
                found = i;
            }
        }
        assertTrue(found >= 0, "test setup: the marker is not in the stream");
        byte[] patched = stream.clone();
        ByteBuffer.wrap(patched, found, 8).putDouble(0.0);
        return patched;
    }

    private static void assertMessage(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertContains(e.getMessage(), fragments);
    }

    /** The call fails with an IllegalArgumentException somewhere in its cause chain (DL4J and Jackson wrap it). */
    private static void assertCausedBy(Executable call, String... fragments) {
        Throwable t = assertThrows(Exception.class, call);
        while (t != null && !(t instanceof IllegalArgumentException)) {
            t = t.getCause();
        }
        assertTrue(t != null, "no IllegalArgumentException in the cause chain");
        assertContains(t.getMessage(), fragments);
    }

    private static void assertContains(String message, String... fragments) {
        for (String f : fragments) {
            assertTrue(message.contains(f), "message '" + message + "' lacks '" + f + "'");
        }
    }
}

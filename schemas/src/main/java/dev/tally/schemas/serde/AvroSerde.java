package dev.tally.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated Avro record class, in Avro single-object encoding.
 *
 * <p>Every message is {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the
 * writer schema's parsing canonical form, then the Avro binary body. The serializer always writes
 * with the current (generated) schema. The deserializer reads into the current schema, resolving
 * messages written with any schema its {@link SchemaStore} knows (normally every released version,
 * see {@link TallySchemaStore#released()}).
 *
 * <p>{@code null} serializes to {@code null} and back, so tombstones pass through. A message that
 * cannot be decoded raises {@link SerializationException} with a one-line reason. One instance is
 * safe to share between threads: Avro's encoder and decoder keep their buffers per thread.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** Marker, then fingerprint. */
    static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    private final String recordName;
    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Class<T> type, SchemaStore store) {
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.recordName = schema.getName();
        // shouldCopy=false: the encoder returns its per-thread buffer, which serialize() copies once into the result.
        this.encoder = new BinaryMessageEncoder<>(model, schema, false);
        this.decoder = new BinaryMessageDecoder<>(model, schema, store);
    }

    /** A serde whose reader knows every released version of the Tally schemas. */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return of(type, TallySchemaStore.released());
    }

    /** A serde whose reader resolves writer schemas through {@code store} (the current schema is always known). */
    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, SchemaStore store) {
        return new AvroSerde<>(Objects.requireNonNull(type, "type"), Objects.requireNonNull(store, "store"));
    }

    /** The schema this serde writes and reads into. */
    public Schema schema() {
        return schema;
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the schema comes from the class, writer schemas from the store.
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer encoded = encoder.encode(data);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot encode " + recordName + " for topic '" + topic + "': " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : decode(topic, ByteBuffer.wrap(data));
    }

    @Override
    public T deserialize(String topic, Headers headers, ByteBuffer data) {
        // Decode the consumer's buffer in place instead of copying it into an array first.
        return data == null ? null : decode(topic, data.duplicate());
    }

    private T decode(String topic, ByteBuffer message) {
        int start = message.position();
        int length = message.remaining();
        if (length < HEADER_LENGTH) {
            throw failure(topic, "message too short for a single-object header (" + length
                    + " bytes, need at least " + HEADER_LENGTH + ")", null);
        }
        byte first = message.get(start);
        byte second = message.get(start + 1);
        if (first != MARKER_0 || second != MARKER_1) {
            throw failure(topic, String.format(Locale.ROOT,
                    "not Avro single-object encoding (starts with 0x%02X 0x%02X, expected 0xC3 0x01)",
                    first, second), null);
        }
        try {
            return decoder.decode(message);
        } catch (MissingSchemaException e) {
            long fingerprint = Long.reverseBytes(message.getLong(start + 2));
            throw failure(topic, String.format(Locale.ROOT,
                    "unknown writer schema fingerprint %016x (not a released %s version known to this reader)",
                    fingerprint, recordName), e);
        } catch (BadHeaderException e) {
            throw failure(topic, "bad single-object header: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (causedByEndOfInput(e)) {
                throw failure(topic, "body truncated (" + length + " bytes in total)", e);
            }
            throw failure(topic, "malformed body: " + describe(e), e);
        }
    }

    private SerializationException failure(String topic, String reason, Throwable cause) {
        return new SerializationException("Cannot decode " + recordName + " from topic '" + topic + "': " + reason, cause);
    }

    private static boolean causedByEndOfInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    /** Avro wraps the useful message ("Malformed data. Length is negative") in "Decoding datum failed". */
    private static String describe(Throwable e) {
        Throwable useful = e;
        while (useful instanceof AvroRuntimeException && useful.getCause() != null) {
            useful = useful.getCause();
        }
        String message = useful.getMessage();
        return message == null ? useful.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}

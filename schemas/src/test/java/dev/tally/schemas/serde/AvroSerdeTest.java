package dev.tally.schemas.serde;

import static dev.tally.schemas.TestRecords.fullEnrichedEvent;
import static dev.tally.schemas.TestRecords.fullRollup;
import static dev.tally.schemas.TestRecords.fullTrackedEvent;
import static dev.tally.schemas.TestRecords.minimalEnrichedEvent;
import static dev.tally.schemas.TestRecords.minimalRollup;
import static dev.tally.schemas.TestRecords.minimalTrackedEvent;
import static dev.tally.schemas.TestRecords.rollupKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.tally.schemas.TestRecords;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;

class AvroSerdeTest {

    private static final String TOPIC = "test.events.raw";

    private final AvroSerde<TrackedEvent> trackedEvents = AvroSerde.of(TrackedEvent.class);

    @Test
    void round_trips_every_record_with_every_field_set() {
        assertRoundTrip(AvroSerde.of(TrackedEvent.class), fullTrackedEvent().build());
        assertRoundTrip(AvroSerde.of(EnrichedEvent.class), fullEnrichedEvent().build());
        assertRoundTrip(AvroSerde.of(RollupKey.class), rollupKey().build());
        assertRoundTrip(AvroSerde.of(Rollup.class), fullRollup().build());
    }

    @Test
    void round_trips_every_record_with_only_required_fields() {
        TrackedEvent event = assertRoundTrip(AvroSerde.of(TrackedEvent.class), minimalTrackedEvent().build());
        assertThat(event.getClientTime()).isNull();
        assertThat(event.getNewVisitor()).isNull();
        assertThat(event.getValue()).isNull();
        assertThat(event.getProps()).isEmpty();
        assertThat(event.getClientIp()).isNull();

        EnrichedEvent enriched = assertRoundTrip(AvroSerde.of(EnrichedEvent.class), minimalEnrichedEvent().build());
        assertThat(enriched.getBrowser()).isEqualTo("unknown");
        assertThat(enriched.getOs()).isEqualTo("unknown");
        assertThat(enriched.getDeviceType()).isEqualTo("unknown");
        assertThat(enriched.getBot()).isFalse();
        assertThat(enriched.getUtmSource()).isNull();

        Rollup rollup = assertRoundTrip(AvroSerde.of(Rollup.class), minimalRollup().build());
        assertThat(rollup.getPageviews()).isZero();
        assertThat(rollup.getVisitorsSketch().remaining()).isZero();
        assertThat(rollup.getValueMin()).isNull();
        assertThat(rollup.getFinalized()).isFalse();
    }

    @Test
    void every_message_starts_with_the_single_object_marker_and_the_writer_fingerprint() {
        byte[] bytes = trackedEvents.serialize(TOPIC, minimalTrackedEvent().build());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(TallySchemaStore.fingerprint(TrackedEvent.getClassSchema()));
    }

    @Test
    void reads_a_message_written_with_an_older_schema() throws IOException {
        Schema older = testSchema("TrackedEvent-older.avsc");
        GenericRecord written = new GenericRecordBuilder(older)
                .set("eventId", "0b7f3c57-51a4-4b55-8f3e-9a8d3f0f7a10")
                .set("siteId", "example.com")
                .set("receivedAt", TestRecords.RECEIVED_AT.toEpochMilli())
                .set("type", new GenericData.EnumSymbol(older.getField("type").schema(), "PAGEVIEW"))
                .set("name", "pageview")
                .set("url", "https://example.com/")
                .set("title", "Home")
                .set("visitorId", "v-1")
                .build();
        byte[] bytes = encodeGeneric(older, written);
        AvroSerde<TrackedEvent> serde = AvroSerde.of(TrackedEvent.class, TallySchemaStore.released().with(older));

        TrackedEvent read = serde.deserialize(TOPIC, bytes);

        assertThat(read.getEventId()).isEqualTo("0b7f3c57-51a4-4b55-8f3e-9a8d3f0f7a10");
        assertThat(read.getReceivedAt()).isEqualTo(TestRecords.RECEIVED_AT);
        assertThat(read.getType()).isEqualTo(EventType.PAGEVIEW);
        assertThat(read.getTitle()).isEqualTo("Home");
        assertThat(read.getReferrer()).isNull();
        // Fields the older schema did not have take the current schema's defaults.
        assertThat(read.getClientTime()).isNull();
        assertThat(read.getNewVisitor()).isNull();
        assertThat(read.getValue()).isNull();
        assertThat(read.getCurrency()).isNull();
        assertThat(read.getProps()).isEmpty();
        assertThat(read.getClientIp()).isNull();
    }

    @Test
    void rejects_a_message_written_with_a_schema_the_store_does_not_know() throws IOException {
        Schema older = testSchema("TrackedEvent-older.avsc");
        GenericRecord written = new GenericRecordBuilder(older)
                .set("eventId", "e").set("siteId", "s").set("receivedAt", 0L)
                .set("type", new GenericData.EnumSymbol(older.getField("type").schema(), "CUSTOM"))
                .set("name", "n").set("url", "u").set("visitorId", "v")
                .build();
        byte[] bytes = encodeGeneric(older, written);

        assertThatThrownBy(() -> trackedEvents.deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("TrackedEvent")
                .hasMessageContaining(TOPIC)
                .hasMessageContaining("unknown writer schema fingerprint "
                        + String.format(Locale.ROOT, "%016x", TallySchemaStore.fingerprint(older)));
    }

    @Test
    void passes_null_through_as_a_tombstone() {
        assertThat(trackedEvents.serialize(TOPIC, null)).isNull();
        assertThat(trackedEvents.deserialize(TOPIC, (byte[]) null)).isNull();
        assertThat(trackedEvents.deserialize(TOPIC, new RecordHeaders(), (ByteBuffer) null)).isNull();
    }

    @Test
    void decodes_from_a_byte_buffer_window_without_moving_its_position() {
        TrackedEvent event = fullTrackedEvent().build();
        byte[] message = trackedEvents.serialize(TOPIC, event);
        byte[] padded = new byte[message.length + 7];
        System.arraycopy(message, 0, padded, 3, message.length);
        ByteBuffer window = ByteBuffer.wrap(padded, 3, message.length).slice();

        assertThat(trackedEvents.deserialize(TOPIC, new RecordHeaders(), window)).isEqualTo(event);
        assertThat(window.position()).isZero();
    }

    @Test
    void rejects_bytes_that_are_not_single_object_encoded() {
        byte[] json = "{\"siteId\":\"example.com\"}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> trackedEvents.deserialize(TOPIC, json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not Avro single-object encoding (starts with 0x7B 0x22, expected 0xC3 0x01)");
    }

    @Test
    void rejects_a_message_shorter_than_the_header() {
        assertThatThrownBy(() -> trackedEvents.deserialize(TOPIC, new byte[] {(byte) 0xC3, 0x01, 0x00}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("too short for a single-object header (3 bytes");
        assertThatThrownBy(() -> trackedEvents.deserialize(TOPIC, new byte[0]))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("(0 bytes");
    }

    @Test
    void rejects_a_truncated_body() {
        byte[] message = trackedEvents.serialize(TOPIC, fullTrackedEvent().build());
        byte[] truncated = Arrays.copyOf(message, message.length - 5);

        assertThatThrownBy(() -> trackedEvents.deserialize(TOPIC, truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("body truncated");
    }

    @Test
    void rejects_a_body_with_a_negative_length() {
        byte[] message = trackedEvents.serialize(TOPIC, minimalTrackedEvent().build());
        // The first field, eventId, starts right after the header with its zig-zag length; 0x01 is -1.
        message[AvroSerde.HEADER_LENGTH] = 0x01;

        assertThatThrownBy(() -> trackedEvents.deserialize(TOPIC, message))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("malformed body");
    }

    @Test
    void any_corrupted_or_truncated_message_yields_a_record_or_a_serialization_exception() {
        AvroSerde<EnrichedEvent> serde = AvroSerde.of(EnrichedEvent.class);
        byte[] message = serde.serialize(TOPIC, fullEnrichedEvent().build());
        List<byte[]> damaged = new ArrayList<>();
        for (int i = 0; i < message.length; i++) {
            damaged.add(Arrays.copyOf(message, i));
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = message.clone();
                flipped[i] ^= (byte) (1 << bit);
                damaged.add(flipped);
            }
        }

        for (byte[] bytes : damaged) {
            Throwable thrown = catchThrowable(() -> serde.deserialize(TOPIC, bytes));
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(SerializationException.class).hasMessageStartingWith("Cannot decode");
            }
        }
    }

    @Test
    void rejects_a_record_missing_a_required_field_when_encoding() {
        TrackedEvent incomplete = new TrackedEvent();

        assertThatThrownBy(() -> trackedEvents.serialize(TOPIC, incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("Cannot encode TrackedEvent for topic '" + TOPIC + "'");
    }

    @Test
    void one_instance_serves_many_threads() throws Exception {
        AvroSerde<TrackedEvent> shared = AvroSerde.of(TrackedEvent.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                tasks.add(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        TrackedEvent event = fullTrackedEvent().setVisitorId("v-" + thread + "-" + i).build();
                        if (!event.equals(shared.deserialize(TOPIC, shared.serialize(TOPIC, event)))) {
                            return false;
                        }
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T extends SpecificRecord> T assertRoundTrip(AvroSerde<T> serde, T record) {
        T read = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, record));
        assertThat(read).isEqualTo(record);
        return read;
    }

    /** What a writer on an older release did: a generic single-object encoder for its own schema. */
    private static byte[] encodeGeneric(Schema writerSchema, GenericRecord record) throws IOException {
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writerSchema).encode(record);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    private static Schema testSchema(String resource) throws IOException {
        try (InputStream in = AvroSerdeTest.class.getResourceAsStream(resource)) {
            assertThat(in).as("test resource %s", resource).isNotNull();
            return new Schema.Parser().parse(in);
        }
    }
}

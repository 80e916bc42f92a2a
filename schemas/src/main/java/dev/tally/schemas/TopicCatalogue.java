package dev.tally.schemas;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.schemas.serde.AvroSerde;
import dev.tally.schemas.serde.TallySchemaStore;

/**
 * Every Tally topic, its name within a namespace, its serdes and creation settings. Immutable; build one
 * per process (or per test, with a unique namespace) and pass it to whoever needs a topic.
 *
 * <ul>
 *   <li>{@code <ns>.events.raw}: key site id + visitor id (String), value {@link TrackedEvent}; written by the gateway.</li>
 *   <li>{@code <ns>.events.enriched}: key as raw, value {@link EnrichedEvent}; written by the stream aggregator.</li>
 *   <li>{@code <ns>.rollups.minute|hour|day}: key {@link RollupKey}, value {@link Rollup}, compacted; written by
 *       the stream aggregator, read by the Cassandra sink.</li>
 *   <li>{@code <ns>.deadletter}: original key and value bytes of records a consumer could not decode,
 *       with {@link DeadLetterHeaders}.</li>
 * </ul>
 */
public final class TopicCatalogue {

    public static final String DEFAULT_NAMESPACE = "tally";
    public static final int DEFAULT_PARTITIONS = 6;

    static final Duration EVENT_RETENTION = Duration.ofDays(7);
    static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(14);

    /** Kafka's legal topic characters; the longest suffix (".events.enriched") must still fit in 249. */
    private static final Pattern NAMESPACE = Pattern.compile("[a-zA-Z0-9_-][a-zA-Z0-9._-]{0,199}");

    private final String namespace;
    private final Topic<String, TrackedEvent> rawEvents;
    private final Topic<String, EnrichedEvent> enrichedEvents;
    private final Map<Granularity, Topic<RollupKey, Rollup>> rollups;
    private final Topic<byte[], byte[]> deadLetters;
    private final List<Topic<?, ?>> all;

    private TopicCatalogue(String namespace, SchemaStore store) {
        this.namespace = namespace;
        Map<String, String> eventConfig = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(EVENT_RETENTION.toMillis()));
        this.rawEvents = new Topic<>(namespace + ".events.raw", Serdes.String(),
                AvroSerde.of(TrackedEvent.class, store), DEFAULT_PARTITIONS, eventConfig);
        this.enrichedEvents = new Topic<>(namespace + ".events.enriched", Serdes.String(),
                AvroSerde.of(EnrichedEvent.class, store), DEFAULT_PARTITIONS, eventConfig);

        Serde<RollupKey> rollupKeySerde = AvroSerde.of(RollupKey.class, store);
        Serde<Rollup> rollupSerde = AvroSerde.of(Rollup.class, store);
        Map<String, String> rollupConfig = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        Map<Granularity, Topic<RollupKey, Rollup>> byGranularity = new EnumMap<>(Granularity.class);
        for (Granularity granularity : Granularity.values()) {
            String name = namespace + ".rollups." + granularity.name().toLowerCase(Locale.ROOT);
            byGranularity.put(granularity,
                    new Topic<>(name, rollupKeySerde, rollupSerde, DEFAULT_PARTITIONS, rollupConfig));
        }
        this.rollups = byGranularity;

        this.deadLetters = new Topic<>(namespace + ".deadletter", Serdes.ByteArray(), Serdes.ByteArray(),
                DEFAULT_PARTITIONS, Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(DEAD_LETTER_RETENTION.toMillis())));

        this.all = List.of(rawEvents, enrichedEvents, minuteRollups(), hourRollups(), dayRollups(), deadLetters);
    }

    /** The catalogue of the default namespace, {@value #DEFAULT_NAMESPACE}. */
    public static TopicCatalogue defaults() {
        return forNamespace(DEFAULT_NAMESPACE);
    }

    /** Topics named {@code <namespace>.<topic>}, with serdes that read every released schema version. */
    public static TopicCatalogue forNamespace(String namespace) {
        return forNamespace(namespace, TallySchemaStore.released());
    }

    /** As {@link #forNamespace(String)}, with serdes resolving writer schemas through {@code store}. */
    public static TopicCatalogue forNamespace(String namespace, SchemaStore store) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(store, "store");
        if (!NAMESPACE.matcher(namespace).matches() || namespace.endsWith(".")) {
            throw new IllegalArgumentException("Invalid topic namespace '" + namespace
                    + "': use 1-200 of a-z A-Z 0-9 . _ -, not starting or ending with '.'");
        }
        return new TopicCatalogue(namespace, store);
    }

    public String namespace() {
        return namespace;
    }

    /**
     * {@code <ns>.events.raw}: what the gateway accepted. Key: {@code siteId + "|" + visitorId}
     * (see {@link #rawEventKey}), so a busy site spreads over partitions while one visitor's events stay
     * in order. Value: {@link TrackedEvent}. Deleted after 7 days.
     */
    public Topic<String, TrackedEvent> rawEvents() {
        return rawEvents;
    }

    /** {@code <ns>.events.enriched}: key as {@link #rawEvents()}, value {@link EnrichedEvent}. Deleted after 7 days. */
    public Topic<String, EnrichedEvent> enrichedEvents() {
        return enrichedEvents;
    }

    /** {@code <ns>.rollups.<granularity>}: key {@link RollupKey}, value {@link Rollup}, compacted. */
    public Topic<RollupKey, Rollup> rollups(Granularity granularity) {
        return rollups.get(Objects.requireNonNull(granularity, "granularity"));
    }

    public Topic<RollupKey, Rollup> minuteRollups() {
        return rollups(Granularity.MINUTE);
    }

    public Topic<RollupKey, Rollup> hourRollups() {
        return rollups(Granularity.HOUR);
    }

    public Topic<RollupKey, Rollup> dayRollups() {
        return rollups(Granularity.DAY);
    }

    /** {@code <ns>.deadletter}: original key and value bytes, reason in {@link DeadLetterHeaders}. Deleted after 14 days. */
    public Topic<byte[], byte[]> deadLetters() {
        return deadLetters;
    }

    /** Every topic once, in pipeline order, for creating them. */
    public List<Topic<?, ?>> all() {
        return all;
    }

    /** The partition key of a raw or enriched event: {@code siteId|visitorId}. */
    public static String rawEventKey(String siteId, String visitorId) {
        return siteId + '|' + visitorId;
    }
}

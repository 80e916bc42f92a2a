package dev.tally.aggregator.topology;

import dev.tally.aggregator.enrich.SharedClassifier;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The aggregator topology under {@link TopologyTestDriver}, with every output collected. */
final class TopologyHarness implements AutoCloseable {
    /**
     * The wall clock: a few minutes after the tests' first events (10:00), as in real time. (The merge step
     * does not re-publish open minutes the wall clock has already closed; see RollupMerger.)
     */
    static final Instant NOW = Instant.parse("2026-11-22T10:05:00Z");

    final AtomicLong bots = new AtomicLong();
    final AtomicLong late = new AtomicLong();
    final Duration publishInterval = Duration.ofSeconds(1);
    /**
     * Longer than any test's ticks, so the single input partition is never idle and buckets close by
     * event time alone (idle partitions count at wall-clock time; see SourceWatermarks and its test).
     */
    static final Duration SOURCE_IDLE_AFTER = Duration.ofHours(1);
    /** The driver's input has one partition; the tests start past the wait that stands in for its count (SourceWatermarksTest covers both). */
    private static final int PARTITION_COUNT_NOT_KNOWN = 0;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, TrackedEvent> raw;
    private final TestOutputTopic<String, EnrichedEvent> enriched;
    private final Map<Granularity, TestOutputTopic<RollupKey, Rollup>> rollupTopics = new HashMap<>();
    /** Every rollup record published so far, in order. */
    final List<KeyValue<RollupKey, Rollup>> published = new ArrayList<>();

    TopologyHarness(Path stateDir, Duration grace, int bufferEvents) {
        this(stateDir, grace, bufferEvents, true);
    }

    /** @param preAggregate false for the benchmark's topology without pre-aggregation */
    TopologyHarness(Path stateDir, Duration grace, int bufferEvents, boolean preAggregate) {
        TopicCatalogue topics = TopicCatalogue.forNamespace("test");
        RollupCounters counters = new RollupCounters() {
            @Override
            public void botEvents(long count) {
                bots.addAndGet(count);
            }

            @Override
            public void lateEvents(long count) {
                late.addAndGet(count);
            }
        };
        RollupTopology topology = new RollupTopology(topics, SharedClassifier.enricher(),
                new RollupTopology.Settings(grace, publishInterval, bufferEvents, SOURCE_IDLE_AFTER, PARTITION_COUNT_NOT_KNOWN, preAggregate), Clock.fixed(NOW, ZoneOffset.UTC), counters);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(topology.build(), props, NOW);
        driver.advanceWallClockTime(SOURCE_IDLE_AFTER); // past the merge step's start-up wait
        Topic<String, TrackedEvent> rawTopic = topics.rawEvents();
        raw = driver.createInputTopic(rawTopic.name(), Serdes.String().serializer(), rawTopic.valueSerde().serializer());
        Topic<String, EnrichedEvent> enrichedTopic = topics.enrichedEvents();
        enriched = driver.createOutputTopic(enrichedTopic.name(), Serdes.String().deserializer(), enrichedTopic.valueSerde().deserializer());
        for (Granularity granularity : Granularity.values()) {
            Topic<RollupKey, Rollup> topic = topics.rollups(granularity);
            rollupTopics.put(granularity, driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer()));
        }
    }

    /** Pipes {@code event}; the Kafka record timestamp is deliberately far off: event time must come from the event. */
    void send(TrackedEvent event) {
        raw.pipeInput(event.getSiteId() + "|" + event.getVisitorId(), event, NOW.plus(Duration.ofDays(30)));
    }

    /** Lets one commit interval of wall-clock time pass: pre-aggregates drain and open buckets publish. */
    void tick() {
        driver.advanceWallClockTime(publishInterval);
        driver.advanceWallClockTime(publishInterval);
        collect();
    }

    List<KeyValue<String, EnrichedEvent>> enriched() {
        return enriched.readKeyValuesToList();
    }

    private void collect() {
        for (Granularity granularity : Granularity.values()) {
            for (KeyValue<RollupKey, Rollup> record : rollupTopics.get(granularity).readKeyValuesToList()) {
                if (record.key.getGranularity() != granularity) {
                    throw new AssertionError("Record of " + record.key.getGranularity() + " on the " + granularity + " topic");
                }
                published.add(record);
            }
        }
    }

    /** The latest record per key, as a compacted topic (and the sink) would keep it. */
    Map<RollupKey, Rollup> latest() {
        collect();
        Map<RollupKey, Rollup> latest = new HashMap<>();
        published.forEach(record -> latest.put(record.key, record.value));
        return latest;
    }

    @Override
    public void close() {
        driver.close();
    }
}

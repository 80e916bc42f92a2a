package dev.tally.bench.sink;

import dev.tally.aggregator.enrich.Enricher;
import dev.tally.aggregator.enrich.ReferrerClassifier;
import dev.tally.aggregator.enrich.YauaaClassifier;
import dev.tally.aggregator.topology.RollupCounters;
import dev.tally.aggregator.topology.RollupTopology;
import dev.tally.bench.aggregator.BenchEvents;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * What the stream aggregator publishes for a steady load, taken from the aggregator itself: its real
 * topology ({@link RollupTopology}, enrichment, pre-aggregation, merge, ten dimensions, three tiers,
 * the default 10-minute grace and 1 s publish interval) under {@link TopologyTestDriver}, fed
 * {@code eventsPerSecond} events per second of virtual time over {@code sites} sites (the aggregator
 * benchmark's synthetic traffic, {@link BenchEvents}), its wall clock moved one second per second.
 * Every record it publishes is returned in publication order, second by second, so the sink's writer
 * can be fed exactly what a real aggregator would have given it, without a broker and in less than
 * real time.
 *
 * <p>Event time is receive time and arrives in order; the aggregator's own treatment of disorder is
 * measured by its benchmark and tests, not here.
 */
final class AggregatorOutput implements AutoCloseable {
    private static final Duration PUBLISH_INTERVAL = Duration.ofSeconds(1);
    private static final Duration SOURCE_IDLE_AFTER = Duration.ofSeconds(30);

    /** A {@link Clock} the benchmark moves: the aggregator stamps {@code updatedAt} with it. */
    private static final class VirtualClock extends Clock {
        private volatile Instant now;

        VirtualClock(Instant start) {
            this.now = start;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final int eventsPerSecond;
    private final BenchEvents events;
    private final Random random;
    private final VirtualClock clock;
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, TrackedEvent> raw;
    private final Map<Granularity, TestOutputTopic<RollupKey, Rollup>> rollups = new EnumMap<>(Granularity.class);
    private final Set<String> rollupTopicNames = new HashSet<>();
    /**
     * Every other topic the topology writes (enriched events, changelogs), read only to be emptied: the
     * driver keeps each record it captured until it is read.
     */
    private final Map<String, TestOutputTopic<byte[], byte[]>> discarded = new HashMap<>();
    private long sent;

    AggregatorOutput(int sites, int eventsPerSecond, Instant start, long seed, Path stateDir) {
        this.eventsPerSecond = eventsPerSecond;
        this.events = new BenchEvents(sites, 0, seed);
        this.random = new Random(seed);
        this.clock = new VirtualClock(start);
        TopicCatalogue topics = TopicCatalogue.forNamespace("bench");
        Enricher enricher = new Enricher(new YauaaClassifier(20_000), ReferrerClassifier.bundled());
        RollupTopology topology = new RollupTopology(topics, enricher,
                new RollupTopology.Settings(Duration.ofMinutes(10), PUBLISH_INTERVAL, 65_536, SOURCE_IDLE_AFTER, 1), clock, RollupCounters.NONE);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-aggregator-output");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(topology.build(), props, start);
        Topic<String, TrackedEvent> rawTopic = topics.rawEvents();
        raw = driver.createInputTopic(rawTopic.name(), Serdes.String().serializer(), rawTopic.valueSerde().serializer());
        for (Granularity granularity : Granularity.values()) {
            Topic<RollupKey, Rollup> topic = topics.rollups(granularity);
            rollups.put(granularity, driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer()));
            rollupTopicNames.add(topic.name());
        }
    }

    /** Events sent so far. */
    long events() {
        return sent;
    }

    /**
     * Sends the next second's events (receive times spread evenly over it), lets the second pass on the
     * aggregator's wall clock and returns what it published: the open minutes that changed, and the
     * finals of buckets whose end plus grace has passed.
     */
    List<Rollup> nextSecond() {
        long secondStart = clock.instant().toEpochMilli();
        for (int i = 0; i < eventsPerSecond; i++) {
            Instant receivedAt = Instant.ofEpochMilli(secondStart + (i * 1000L) / eventsPerSecond);
            TrackedEvent event = events.event(random, "e" + sent, receivedAt);
            raw.pipeInput(event.getSiteId() + "|" + event.getVisitorId(), event, receivedAt);
            sent++;
        }
        return advance(PUBLISH_INTERVAL);
    }

    /**
     * Lets {@code step} pass without input, returning what was published. After the source's idle time
     * the input counts as idle, and every bucket it held closes once its end plus grace has passed.
     */
    List<Rollup> idle(Duration step) {
        return advance(step);
    }

    private List<Rollup> advance(Duration step) {
        clock.now = clock.now.plus(step);
        driver.advanceWallClockTime(step);
        for (String name : driver.producedTopicNames()) {
            if (rollupTopicNames.contains(name)) {
                continue;
            }
            TestOutputTopic<byte[], byte[]> topic = discarded.computeIfAbsent(name,
                    n -> driver.createOutputTopic(n, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            while (!topic.isEmpty()) {
                topic.readRecord();
            }
        }
        List<Rollup> published = new ArrayList<>();
        for (TestOutputTopic<RollupKey, Rollup> topic : rollups.values()) {
            topic.readValuesToList().forEach(published::add);
        }
        return published;
    }

    @Override
    public void close() {
        driver.close();
    }
}

package dev.tally.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RollupTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private final TopicCatalogue topics = TopicCatalogue.forNamespace("test");
    private TopologyTestDriver driver;
    private TestInputTopic<String, TrackedEvent> raw;
    private TestOutputTopic<RollupKey, Rollup> minutes;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "rollup-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        driver = new TopologyTestDriver(new RollupTopology(topics, Duration.ofMinutes(10), clock).build(), props);
        Topic<String, TrackedEvent> rawTopic = topics.rawEvents();
        raw = driver.createInputTopic(rawTopic.name(), Serdes.String().serializer(), rawTopic.valueSerde().serializer());
        Topic<RollupKey, Rollup> minuteTopic = topics.rollups(Granularity.MINUTE);
        minutes = driver.createOutputTopic(minuteTopic.name(), minuteTopic.keySerde().deserializer(), minuteTopic.valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(String site, Instant receivedAt, EventType type, Double value) {
        TrackedEvent event = TrackedEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setSiteId(site)
                .setReceivedAt(receivedAt)
                .setClientTime(null)
                .setType(type)
                .setName(type == EventType.PAGEVIEW ? "pageview" : "signup")
                .setUrl("https://example.com/")
                .setReferrer(null)
                .setTitle(null)
                .setLanguage(null)
                .setScreenWidth(null)
                .setUserAgent(null)
                .setVisitorId("v1")
                .setNewVisitor(null)
                .setValue(value)
                .setCurrency(null)
                .setProps(Map.of())
                .setClientIp(null)
                .build();
        // The record timestamp is deliberately far off: event time must come from receivedAt.
        raw.pipeInput(site + "|v1", event, T0.plus(Duration.ofDays(3)));
    }

    private Map<RollupKey, Rollup> latestPerKey() {
        Map<RollupKey, Rollup> latest = new HashMap<>();
        minutes.readKeyValuesToList().forEach(kv -> latest.put(kv.key, kv.value));
        return latest;
    }

    @Test
    void counts_page_views_custom_events_and_values_per_site_and_minute_by_receive_time() {
        send("a", T0.plusSeconds(1), EventType.PAGEVIEW, null);
        send("a", T0.plusSeconds(59), EventType.PAGEVIEW, null);
        send("a", T0.plusSeconds(30), EventType.CUSTOM, 12.5);
        send("a", T0.plusSeconds(31), EventType.CUSTOM, 2.5);
        send("a", T0.plusSeconds(60), EventType.PAGEVIEW, null);
        send("b", T0.plusSeconds(5), EventType.PAGEVIEW, null);

        Map<RollupKey, Rollup> latest = latestPerKey();

        Rollup first = latest.get(MinuteCounts.key("a", T0));
        assertThat(first.getPageviews()).isEqualTo(2);
        assertThat(first.getCustomEvents()).isEqualTo(2);
        assertThat(first.getValueCount()).isEqualTo(2);
        assertThat(first.getValueSum()).isEqualTo(15.0);
        assertThat(first.getValueMin()).isEqualTo(2.5);
        assertThat(first.getValueMax()).isEqualTo(12.5);
        assertThat(first.getSiteId()).isEqualTo("a");
        assertThat(first.getBucketStart()).isEqualTo(T0);
        assertThat(latest.get(MinuteCounts.key("a", T0.plusSeconds(60))).getPageviews()).isEqualTo(1);
        assertThat(latest.get(MinuteCounts.key("b", T0)).getPageviews()).isEqualTo(1);
        assertThat(latest).hasSize(3);
    }

    @Test
    void an_out_of_order_event_within_grace_updates_its_minute_and_a_later_one_does_not() {
        send("a", T0.plusSeconds(10), EventType.PAGEVIEW, null);
        send("a", T0.plus(Duration.ofMinutes(5)), EventType.PAGEVIEW, null);
        send("a", T0.plusSeconds(20), EventType.PAGEVIEW, null); // 5 minutes late: within grace
        send("a", T0.plus(Duration.ofMinutes(30)), EventType.PAGEVIEW, null);
        send("a", T0.plusSeconds(30), EventType.PAGEVIEW, null); // 30 minutes late: past grace, dropped from rollups

        assertThat(latestPerKey().get(MinuteCounts.key("a", T0)).getPageviews()).isEqualTo(2);
    }
}

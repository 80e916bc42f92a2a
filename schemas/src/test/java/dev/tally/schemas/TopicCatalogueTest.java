package dev.tally.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;

class TopicCatalogueTest {

    @Test
    void names_every_topic_under_its_namespace() {
        TopicCatalogue topics = TopicCatalogue.forNamespace("it-42");

        assertThat(topics.namespace()).isEqualTo("it-42");
        assertThat(topics.rawEvents().name()).isEqualTo("it-42.events.raw");
        assertThat(topics.enrichedEvents().name()).isEqualTo("it-42.events.enriched");
        assertThat(topics.minuteRollups().name()).isEqualTo("it-42.rollups.minute");
        assertThat(topics.hourRollups().name()).isEqualTo("it-42.rollups.hour");
        assertThat(topics.dayRollups().name()).isEqualTo("it-42.rollups.day");
        assertThat(topics.deadLetters().name()).isEqualTo("it-42.deadletter");
    }

    @Test
    void the_default_namespace_is_tally() {
        assertThat(TopicCatalogue.defaults().rawEvents().name()).isEqualTo("tally.events.raw");
    }

    @Test
    void rollups_by_granularity_match_the_named_accessors() {
        TopicCatalogue topics = TopicCatalogue.defaults();

        assertThat(topics.rollups(Granularity.MINUTE)).isSameAs(topics.minuteRollups());
        assertThat(topics.rollups(Granularity.HOUR)).isSameAs(topics.hourRollups());
        assertThat(topics.rollups(Granularity.DAY)).isSameAs(topics.dayRollups());
    }

    @Test
    void rollup_topics_are_compacted_and_event_topics_expire_after_seven_days() {
        TopicCatalogue topics = TopicCatalogue.defaults();
        String sevenDays = Long.toString(Duration.ofDays(7).toMillis());

        for (Granularity granularity : Granularity.values()) {
            assertThat(topics.rollups(granularity).config())
                    .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                    .doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
        }
        assertThat(topics.rawEvents().config())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE)
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, sevenDays);
        assertThat(topics.enrichedEvents().config()).containsEntry(TopicConfig.RETENTION_MS_CONFIG, sevenDays);
    }

    @Test
    void all_contains_every_topic_once() {
        TopicCatalogue topics = TopicCatalogue.defaults();

        assertThat(topics.all())
                .containsExactlyInAnyOrder(topics.rawEvents(), topics.enrichedEvents(), topics.minuteRollups(),
                        topics.hourRollups(), topics.dayRollups(), topics.deadLetters())
                .extracting(Topic::name).doesNotHaveDuplicates();
        assertThat(topics.all()).allSatisfy(topic -> assertThat(topic.defaultPartitions()).isEqualTo(6));
    }

    @Test
    void catalogues_for_different_namespaces_share_no_topic() {
        String namespace = "test-" + UUID.randomUUID();
        TopicCatalogue mine = TopicCatalogue.forNamespace(namespace);

        assertThat(mine.all()).extracting(Topic::name)
                .allSatisfy(name -> assertThat(name).startsWith(namespace + "."))
                .doesNotContainAnyElementsOf(TopicCatalogue.defaults().all().stream().map(Topic::name).toList());
    }

    @Test
    void rejects_a_namespace_kafka_would_not_accept() {
        for (String bad : new String[] {"", "has space", "trailing.", ".leading", "a/b"}) {
            assertThatThrownBy(() -> TopicCatalogue.forNamespace(bad))
                    .as("namespace '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid topic namespace '" + bad + "'");
        }
    }

    @Test
    void topic_serdes_round_trip_their_records() {
        TopicCatalogue topics = TopicCatalogue.forNamespace("serdes");
        Topic<RollupKey, Rollup> minute = topics.minuteRollups();
        RollupKey key = TestRecords.rollupKey().build();
        Rollup value = TestRecords.fullRollup().build();

        byte[] keyBytes = minute.keySerde().serializer().serialize(minute.name(), key);
        byte[] valueBytes = minute.valueSerde().serializer().serialize(minute.name(), value);

        assertThat(minute.keySerde().deserializer().deserialize(minute.name(), keyBytes)).isEqualTo(key);
        assertThat(minute.valueSerde().deserializer().deserialize(minute.name(), valueBytes)).isEqualTo(value);

        Topic<String, TrackedEvent> raw = topics.rawEvents();
        String partitionKey = TopicCatalogue.rawEventKey("example.com", "v-1");
        assertThat(raw.keySerde().deserializer().deserialize(raw.name(),
                raw.keySerde().serializer().serialize(raw.name(), partitionKey))).isEqualTo("example.com|v-1");
    }

    @Test
    void dead_letters_keep_the_original_bytes() {
        Topic<byte[], byte[]> deadLetters = TopicCatalogue.defaults().deadLetters();
        byte[] garbage = {1, 2, 3};

        assertThat(deadLetters.valueSerde().deserializer().deserialize(deadLetters.name(),
                deadLetters.valueSerde().serializer().serialize(deadLetters.name(), garbage))).isEqualTo(garbage);
    }

    @Test
    void a_topic_becomes_an_admin_request_with_its_partitions_and_config() {
        Topic<RollupKey, Rollup> day = TopicCatalogue.defaults().dayRollups();

        NewTopic request = day.toNewTopic((short) 1);

        assertThat(request.name()).isEqualTo("tally.rollups.day");
        assertThat(request.numPartitions()).isEqualTo(6);
        assertThat(request.replicationFactor()).isEqualTo((short) 1);
        assertThat(request.configs()).isEqualTo(day.config());
    }

    @Test
    void topic_config_cannot_be_changed_after_creation() {
        assertThatThrownBy(() -> TopicCatalogue.defaults().rawEvents().config().put("retention.ms", "1"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}

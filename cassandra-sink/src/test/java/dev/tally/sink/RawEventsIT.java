package dev.tally.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.schemas.DeadLetterHeaders;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.RawEventRow;
import dev.tally.store.RawEventTable;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import dev.tally.store.Stripes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Enriched events from Kafka into {@code raw_events}, on the real broker and node. */
class RawEventsIT {
    private final String group = TestCluster.uniqueName("group_");
    private SinkFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new SinkFixture();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void every_field_of_an_enriched_event_is_stored_in_its_typed_column_with_the_sites_retention_as_ttl() {
        String site = "full-" + UUID.randomUUID().toString().substring(0, 8);
        new SiteTable(fixture.session, fixture.keyspace, DefaultConsistencyLevel.ONE)
                .save(new Site(site, Set.of("shop.example.com"), ZoneOffset.UTC, IdentityMode.COOKIELESS, 30, null));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        EnrichedEvent full = TestEvents.fullEvent(site, now.minus(Duration.ofHours(1)));
        EnrichedEvent sparse = TestEvents.sparseEvent(site, now);
        fixture.startSink(group, Map.of());

        fixture.send(full);
        fixture.send(sparse);

        // An hour ago may be yesterday (UTC): read the day of each event.
        List<RawEventRow> rows = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> rowsOfDays(site, full, sparse), r -> r.size() == 2);
        TrackedEvent event = full.getEvent();
        RawEventRow stored = rows.stream().filter(r -> r.eventId().toString().equals(event.getEventId())).findFirst().orElseThrow();
        assertThat(stored.siteId()).isEqualTo(site);
        assertThat(stored.day()).isEqualTo(Stripes.dayOf(event.getReceivedAt()));
        assertThat(stored.stripe()).isEqualTo(new Stripes(SinkFixture.STRIPES).stripeOf(UUID.fromString(event.getEventId())));
        assertThat(stored.eventTime()).isEqualTo(event.getReceivedAt());
        assertThat(stored.clientTime()).isEqualTo(event.getClientTime());
        assertThat(stored.type()).isEqualTo("custom");
        assertThat(stored.name()).isEqualTo(event.getName());
        assertThat(stored.url()).isEqualTo(event.getUrl());
        assertThat(stored.referrer()).isEqualTo(event.getReferrer());
        assertThat(stored.title()).isEqualTo(event.getTitle());
        assertThat(stored.language()).isEqualTo(event.getLanguage());
        assertThat(stored.screenWidth()).isEqualTo(event.getScreenWidth());
        assertThat(stored.userAgent()).isEqualTo(event.getUserAgent());
        assertThat(stored.visitorId()).isEqualTo(event.getVisitorId());
        assertThat(stored.newVisitor()).isTrue();
        assertThat(stored.value()).isEqualTo(event.getValue());
        assertThat(stored.currency()).isEqualTo(event.getCurrency());
        assertThat(stored.props()).isEqualTo(event.getProps());
        assertThat(stored.clientIp()).isEqualTo(event.getClientIp());
        assertThat(stored.enrichment()).isEqualTo(new RawEventRow.Enrichment(full.getPath(), full.getUrlHost(), full.getBrowser(),
                full.getBrowserVersion(), full.getOs(), full.getDeviceType(), full.getBot(), full.getReferrerHost(), full.getChannel(),
                full.getUtmSource(), full.getUtmMedium(), full.getUtmCampaign(), full.getUtmTerm(), full.getUtmContent()));

        RawEventRow empty = rows.stream().filter(r -> r.eventId().toString().equals(sparse.getEvent().getEventId())).findFirst().orElseThrow();
        assertThat(empty.type()).isEqualTo("pageview");
        assertThat(empty.clientTime()).isNull();
        assertThat(empty.referrer()).isNull();
        assertThat(empty.title()).isNull();
        assertThat(empty.screenWidth()).isNull();
        assertThat(empty.newVisitor()).isNull();
        assertThat(empty.value()).isNull();
        assertThat(empty.props()).isEmpty();
        assertThat(empty.clientIp()).isNull();
        assertThat(empty.enrichment()).isEqualTo(new RawEventRow.Enrichment("/", null, "unknown", null, "unknown", "unknown", false,
                null, "direct", null, null, null, null, null));

        // The row expires 30 days (the site's retention) after the event, not after the write.
        long ttl = ttlOf(site, stored);
        long expected = Duration.ofDays(30).minus(Duration.ofHours(1)).toSeconds();
        assertThat(ttl).isBetween(expected - 120, expected);
    }

    @Test
    void an_unknown_site_gets_the_default_retention_and_an_event_older_than_it_is_not_stored() {
        String site = "unknown-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        EnrichedEvent recent = TestEvents.sparseEvent(site, now);
        EnrichedEvent expired = TestEvents.sparseEvent(site, now.minus(Duration.ofDays(11)));
        fixture.startSink(group, Map.of("sink.raw.default-retention-days", "10"));

        fixture.send(expired);
        fixture.send(recent);

        fixture.awaitCommittedToEnd(group + ".raw-events",
                List.of(fixture.topics.enrichedEvents().name()), Duration.ofSeconds(60));
        assertThat(fixture.rawEvents.day(site, Stripes.dayOf(recent.getEvent().getReceivedAt())))
                .extracting(r -> r.eventId().toString()).containsExactly(recent.getEvent().getEventId());
        assertThat(fixture.rawEvents.day(site, Stripes.dayOf(expired.getEvent().getReceivedAt()))).isEmpty();
        long ttl = ttlOf(site, fixture.rawEvents.day(site, Stripes.dayOf(recent.getEvent().getReceivedAt())).get(0));
        assertThat(ttl).isBetween(Duration.ofDays(10).toSeconds() - 120, Duration.ofDays(10).toSeconds());
    }

    @Test
    void a_site_with_its_own_stripe_count_is_written_into_those_stripes_and_read_back_from_them() {
        String site = "big-" + UUID.randomUUID().toString().substring(0, 8);
        SiteTable sites = new SiteTable(fixture.session, fixture.keyspace, DefaultConsistencyLevel.ONE);
        sites.save(new Site(site, Set.of("big.example.com"), ZoneOffset.UTC, IdentityMode.COOKIELESS, 30, null));
        sites.saveRawStripes(site, 1_000);
        Stripes many = new Stripes(1_000);
        String eventId = eventIdInStripeAtLeast(many, SinkFixture.STRIPES);
        Instant now = Instant.now();
        fixture.startSink(group, Map.of());

        fixture.send(TestEvents.sparseEvent(site, now, eventId));

        RawEventTable perSite = new RawEventTable(fixture.session, fixture.keyspace,
                Stripes.perSite(SinkFixture.STRIPES, sites.rawStripes()), DefaultConsistencyLevel.ONE);
        List<RawEventRow> rows = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> perSite.day(site, Stripes.dayOf(now)), r -> !r.isEmpty());
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.eventId().toString()).isEqualTo(eventId);
            assertThat(row.stripe()).isEqualTo(many.stripeOf(UUID.fromString(eventId))).isGreaterThanOrEqualTo((short) SinkFixture.STRIPES);
        });
    }

    @Test
    void undecodable_records_go_to_the_dead_letter_topic_with_their_reason_and_the_stream_goes_on() throws Exception {
        String site = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        EnrichedEvent before = TestEvents.sparseEvent(site, now);
        EnrichedEvent badId = TestEvents.sparseEvent(site, now, "not-a-uuid");
        EnrichedEvent after = TestEvents.sparseEvent(site, now.plusMillis(1));
        String enriched = fixture.topics.enrichedEvents().name();
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        byte[] rollupGarbage = {(byte) 0xC3, 0x01, 1, 2, 3};
        fixture.startSink(group, Map.of());

        fixture.send(before);
        ProducerRecord<byte[], byte[]> poison = new ProducerRecord<>(enriched, 0, "k".getBytes(StandardCharsets.UTF_8), garbage,
                List.<Header>of(new RecordHeader("trace", "abc".getBytes(StandardCharsets.UTF_8))));
        fixture.producer.send(poison).get();
        fixture.send(badId);
        fixture.sendBytes(fixture.topics.minuteRollups().name(), new byte[] {1}, rollupGarbage);
        fixture.send(after);

        List<ConsumerRecord<byte[], byte[]>> deadLetters = readDeadLetters(3);
        assertThat(deadLetters).hasSize(3);
        ConsumerRecord<byte[], byte[]> notAvro = deadLetters.stream().filter(r -> r.value().length == garbage.length).findFirst().orElseThrow();
        assertThat(notAvro.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        assertThat(notAvro.value()).isEqualTo(garbage);
        assertThat(header(notAvro, DeadLetterHeaders.REASON)).isNotBlank();
        assertThat(header(notAvro, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(enriched);
        assertThat(header(notAvro, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(notAvro, DeadLetterHeaders.SOURCE_OFFSET)).matches("\\d+");
        assertThat(header(notAvro, DeadLetterHeaders.REJECTED_BY)).isEqualTo("cassandra-sink");
        assertThat(header(notAvro, "trace")).isEqualTo("abc");
        assertThat(deadLetters).anySatisfy(r -> assertThat(header(r, DeadLetterHeaders.REASON)).contains("not-a-uuid").contains("not a UUID"));
        assertThat(deadLetters).anySatisfy(r -> {
            assertThat(header(r, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(fixture.topics.minuteRollups().name());
            assertThat(r.value()).isEqualTo(rollupGarbage);
        });

        fixture.awaitCommittedToEnd(group + ".raw-events", List.of(enriched), Duration.ofSeconds(60));
        fixture.awaitCommittedToEnd(group + ".rollups", fixture.rollupTopics(), Duration.ofSeconds(60));
        assertThat(fixture.rawEvents.day(site, Stripes.dayOf(now))).extracting(r -> r.eventId().toString())
                .containsExactlyInAnyOrder(before.getEvent().getEventId(), after.getEvent().getEventId());
    }

    private List<RawEventRow> rowsOfDays(String site, EnrichedEvent... events) {
        List<RawEventRow> rows = new ArrayList<>();
        java.util.Set<java.time.LocalDate> days = new java.util.TreeSet<>();
        for (EnrichedEvent event : events) {
            days.add(Stripes.dayOf(event.getEvent().getReceivedAt()));
        }
        for (java.time.LocalDate day : days) {
            rows.addAll(fixture.rawEvents.day(site, day));
        }
        return rows;
    }

    /** An event id whose stripe lies beyond the default stripes, so reading only those would miss it. */
    private static String eventIdInStripeAtLeast(Stripes stripes, int lowest) {
        while (true) {
            UUID id = UUID.randomUUID();
            if (stripes.stripeOf(id) >= lowest) {
                return id.toString();
            }
        }
    }

    private long ttlOf(String site, RawEventRow row) {
        PreparedStatement ttl = fixture.session.prepare("SELECT TTL(visitor_id) FROM " + fixture.keyspace + ".raw_events "
                + "WHERE site_id = ? AND day = ? AND stripe = ? AND event_time = ? AND event_id = ?");
        Row result = fixture.session.execute(ttl.bind(site, row.day(), row.stripe(), row.eventTime(), row.eventId())).one();
        assertThat(result).isNotNull();
        return result.getInt(0);
    }

    private List<ConsumerRecord<byte[], byte[]>> readDeadLetters(int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.cluster.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, TestCluster.uniqueName("dlq_"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(fixture.topics.deadLetters().name()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

package dev.tally.aggregator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.aggregator.enrich.Enricher;
import dev.tally.aggregator.enrich.SharedClassifier;
import dev.tally.aggregator.enrich.TrackedEvents;
import dev.tally.aggregator.recompute.RollupRecompute;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.deploy.cluster.TopicReadiness;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.store.RawEventTable;
import dev.tally.store.SchemaMigrator;
import dev.tally.store.Stripes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;

/**
 * Recomputing a day from the raw events stored in the real Cassandra, published to the real broker: the
 * day's rollups in every tier equal the ground truth of its non-bot events, including events received a
 * day later with a client time on that day (a keyed backfill), and nothing of other days or sites.
 */
class RollupRecomputeIT {
    private static final int PARTITIONS = 3;
    private static final String SITE = "recompute.example";
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    private static final Instant DAY_START = DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final String[] PAGES = {"/", "/pricing", "/docs", "/blog/a"};

    private final LocalCluster cluster = TestCluster.shared();
    private final String bootstrap = cluster.kafka().bootstrapServers();
    private final TopicCatalogue topics = TopicCatalogue.forNamespace(TestCluster.uniqueName("recompute"));
    private final String keyspace = TestCluster.uniqueName("recompute_");

    @Test
    void a_recomputed_day_equals_the_ground_truth_of_its_stored_events_in_every_tier() throws Exception {
        createRollupTopics();
        Enricher enricher = SharedClassifier.enricher();
        Random random = new Random(11);
        List<EnrichedEvent> stored = new ArrayList<>();
        long pageviews = 0;
        long signups = 0;
        double valueSum = 0;
        Map<String, Long> pageviewsByPage = new HashMap<>();
        Set<String> visitors = new HashSet<>();
        Map<Long, Long> eventsByHour = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            Instant at = DAY_START.plusMillis(random.nextLong(Duration.ofDays(1).toMillis()));
            String visitor = "v" + random.nextInt(400);
            String page = PAGES[random.nextInt(PAGES.length)];
            boolean signup = random.nextInt(5) == 0;
            TrackedEvent.Builder event = (signup ? TrackedEvents.custom("signup").setValue((double) random.nextInt(50)) : TrackedEvents.pageview())
                    .setSiteId(SITE).setVisitorId(visitor).setUrl("https://" + SITE + page);
            if (random.nextInt(10) == 0) {
                // A keyed backfill: received the next day, counted on its client time.
                event.setReceivedAt(at.plus(Duration.ofDays(1))).setClientTime(at);
            } else {
                event.setReceivedAt(at);
            }
            stored.add(enricher.enrich(event.build()));
            if (signup) {
                signups++;
                valueSum += event.getValue();
            } else {
                pageviews++;
                pageviewsByPage.merge(page, 1L, Long::sum);
            }
            visitors.add(visitor);
            eventsByHour.merge(at.toEpochMilli() / 3_600_000 * 3_600_000, 1L, Long::sum);
        }
        int bots = 0;
        for (int i = 0; i < 200; i++) {
            Instant at = DAY_START.plusMillis(random.nextLong(Duration.ofDays(1).toMillis()));
            stored.add(enricher.enrich(TrackedEvents.pageview().setSiteId(SITE).setUserAgent(TrackedEvents.GOOGLEBOT)
                    .setReceivedAt(at).setUrl("https://" + SITE + "/").build()));
            bots++;
        }
        // Not this day, or not this site: read (the day before and after are searched) but never counted.
        stored.add(enricher.enrich(TrackedEvents.pageview().setSiteId(SITE).setReceivedAt(DAY_START.minusSeconds(1)).build()));
        stored.add(enricher.enrich(TrackedEvents.pageview().setSiteId(SITE).setReceivedAt(DAY_START.plus(Duration.ofDays(1))).build()));
        stored.add(enricher.enrich(TrackedEvents.pageview().setSiteId("other.example").setReceivedAt(DAY_START.plusSeconds(60)).build()));

        try (CqlSession session = cluster.cassandra().sessionBuilder().withConfigLoader(TestCluster.testDriverConfig().build()).build();
             Producer<RollupKey, Rollup> producer = RollupRecompute.openProducer(bootstrap, topics)) {
            new SchemaMigrator(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}").migrate();
            RawEventTable table = new RawEventTable(session, keyspace, new Stripes(4), ConsistencyLevel.ONE);
            for (EnrichedEvent event : stored) {
                table.write(List.of(table.bind(event, (int) Duration.ofDays(30).toSeconds()))).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            RollupRecompute recompute = new RollupRecompute(table, producer, topics, Duration.ofMinutes(10), Clock.systemUTC());

            RollupRecompute.DaySummary summary = recompute.recompute(SITE, DAY, 1);

            assertThat(summary.eventsCounted()).isEqualTo(pageviews + signups);
            assertThat(summary.botsSkipped()).isEqualTo(bots);
            assertThat(summary.rowsRead()).as("three receive days of the site: every stored row but the other site's")
                    .isEqualTo(stored.size() - 1);
            assertThatThrownBy(() -> recompute.recompute(SITE, LocalDate.now(ZoneOffset.UTC), 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has not closed yet");
        }

        Map<RollupKey, Rollup> latest = new HashMap<>();
        for (Granularity tier : Granularity.values()) {
            TopicContents.readAll(bootstrap, topics.rollups(tier), PARTITIONS, latest::put);
        }
        assertThat(latest.keySet()).allMatch(key -> key.getSiteId().equals(SITE));
        assertThat(latest.values()).allMatch(Rollup::getFinalized);
        for (Granularity tier : Granularity.values()) {
            List<Rollup> totals = rows(latest, tier, "total");
            assertThat(totals).allMatch(r -> !r.getBucketStart().isBefore(DAY_START) && r.getBucketStart().isBefore(DAY_START.plus(Duration.ofDays(1))));
            assertThat(totals.stream().mapToLong(Rollup::getPageviews).sum()).as(tier + " page views").isEqualTo(pageviews);
            assertThat(totals.stream().mapToLong(Rollup::getCustomEvents).sum()).as(tier + " custom events").isEqualTo(signups);
            assertThat(totals.stream().mapToDouble(Rollup::getValueSum).sum()).as(tier + " value sum").isEqualTo(valueSum);
            for (String page : PAGES) {
                assertThat(rows(latest, tier, "page").stream().filter(r -> r.getDimensionValue().equals(page)).mapToLong(Rollup::getPageviews).sum())
                        .as(tier + " page views of " + page).isEqualTo(pageviewsByPage.getOrDefault(page, 0L));
            }
        }
        for (Rollup hour : rows(latest, Granularity.HOUR, "total")) {
            assertThat(hour.getPageviews() + hour.getCustomEvents()).as("events of hour " + hour.getBucketStart())
                    .isEqualTo(eventsByHour.get(hour.getBucketStart().toEpochMilli()));
        }
        Rollup day = rows(latest, Granularity.DAY, "total").get(0);
        assertThat(day.getVisitorsEstimate()).as("visitors, within the sketch's 3.3% (two standard errors)")
                .isCloseTo(visitors.size(), org.assertj.core.data.Percentage.withPercentage(3.3));
        assertThat(rows(latest, Granularity.DAY, "event_name")).singleElement()
                .extracting(Rollup::getCustomEvents).isEqualTo(signups);
    }

    private static List<Rollup> rows(Map<RollupKey, Rollup> latest, Granularity tier, String dimension) {
        return latest.entrySet().stream()
                .filter(e -> e.getKey().getGranularity() == tier && e.getKey().getDimension().equals(dimension))
                .map(Map.Entry::getValue).toList();
    }

    private void createRollupTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (Granularity tier : Granularity.values()) {
                Topic<RollupKey, Rollup> topic = topics.rollups(tier);
                newTopics.add(new NewTopic(topic.name(), PARTITIONS, (short) 1).configs(topic.config()));
            }
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
            TopicReadiness.awaitLeaders(admin, newTopics.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
        }
    }
}

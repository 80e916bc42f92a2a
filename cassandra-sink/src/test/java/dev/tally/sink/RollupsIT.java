package dev.tally.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.deploy.cluster.TestCluster;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.store.RollupLayout;
import dev.tally.store.RollupLayout.Tier;
import dev.tally.store.RollupTables;
import dev.tally.store.RollupTables.StoredRollup;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rollup records from the three rollup topics into {@code rollup_minutes}, {@code rollup_hours} and {@code rollup_days}. */
class RollupsIT {
    private static final Instant MINUTE = Instant.parse("2026-11-22T13:47:00Z");
    private static final Instant HOUR = Instant.parse("2026-11-22T13:00:00Z");
    private static final Instant DAY = Instant.parse("2026-11-22T00:00:00Z");
    private static final int MANY_SITES = 300;
    private static final List<String> PAGES = List.of("/", "/pricing", "/blog");

    private final String group = TestCluster.uniqueName("group_");
    private final String site = "rollups-" + UUID.randomUUID().toString().substring(0, 8);
    private SinkFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new SinkFixture();
        fixture.startSink(group, Map.of());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void the_latest_absolute_values_of_every_bucket_are_upserted_into_both_tables() {
        Instant emitted = Instant.parse("2026-11-22T13:48:00Z");
        for (int pageviews = 1; pageviews <= 7; pageviews++) {
            fixture.send(TestEvents.rollup(site, Granularity.MINUTE, "total", "", MINUTE, pageviews, emitted.plusSeconds(pageviews), false));
        }
        Rollup last = TestEvents.rollup(site, Granularity.MINUTE, "total", "", MINUTE, 8, emitted.plusSeconds(60), true);
        fixture.send(last);
        for (int page = 0; page < 20; page++) {
            fixture.send(TestEvents.rollup(site, Granularity.MINUTE, "page", "/page-" + page, MINUTE, page + 1, emitted, false));
        }
        fixture.send(TestEvents.rollup(site, Granularity.HOUR, "total", "", HOUR, 30, emitted, false));
        fixture.send(TestEvents.rollup(site, Granularity.DAY, "browser", "Firefox", DAY, 40, emitted, false));

        fixture.awaitCommittedToEnd(group + ".rollups", fixture.rollupTopics(), Duration.ofSeconds(60));

        List<StoredRollup> series = minutesAround(site, "total", "");
        assertThat(series).singleElement().satisfies(stored -> assertStored(stored, last));
        assertThat(fixture.rollups.breakdown(site, Tier.MINUTE, "total", MINUTE)).singleElement()
                .satisfies(stored -> assertStored(stored, last));

        List<StoredRollup> pages = fixture.rollups.breakdown(site, Tier.MINUTE, "page", MINUTE);
        assertThat(pages).hasSize(20);
        Map<String, Long> pageviews = pages.stream().collect(Collectors.toMap(StoredRollup::dimensionValue, StoredRollup::pageviews));
        for (int page = 0; page < 20; page++) {
            assertThat(pageviews).containsEntry("/page-" + page, (long) page + 1);
            assertThat(minutesAround(site, "page", "/page-" + page))
                    .extracting(StoredRollup::pageviews).containsExactly((long) page + 1);
        }
        // Minute rows really are spread over the shards a reader reads.
        assertThat(pages.stream().map(p -> RollupLayout.minuteShardOf(site, "page", p.dimensionValue())).distinct().count()).isGreaterThan(1);

        assertThat(fixture.rollups.series(site, Tier.HOUR, "total", "", HOUR.minus(Duration.ofDays(2)), HOUR.plus(Duration.ofDays(2))))
                .extracting(StoredRollup::bucketStart, StoredRollup::pageviews).containsExactly(org.assertj.core.groups.Tuple.tuple(HOUR, 30L));
        assertThat(fixture.rollups.series(site, Tier.DAY, "browser", "Firefox", DAY.minus(Duration.ofDays(3)), DAY.plus(Duration.ofDays(3))))
                .extracting(StoredRollup::pageviews).containsExactly(40L);
        assertThat(fixture.rollups.breakdown(site, Tier.DAY, "browser", DAY)).extracting(StoredRollup::dimensionValue)
                .containsExactly("Firefox");
    }

    @Test
    void a_record_emitted_earlier_but_arriving_later_does_not_replace_the_newer_value() {
        Instant emitted = Instant.parse("2026-11-22T13:48:00Z");
        Rollup newer = TestEvents.rollup(site, Granularity.MINUTE, "total", "", MINUTE, 9, emitted.plusSeconds(30), false);
        Rollup older = TestEvents.rollup(site, Granularity.MINUTE, "total", "", MINUTE, 3, emitted, false);

        fixture.send(newer);
        fixture.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> !minutesAround(site, "total", "").isEmpty());
        fixture.send(older);
        fixture.awaitCommittedToEnd(group + ".rollups", fixture.rollupTopics(), Duration.ofSeconds(60));

        assertThat(minutesAround(site, "total", "")).extracting(StoredRollup::pageviews).containsExactly(9L);
        assertThat(fixture.rollups.breakdown(site, Tier.MINUTE, "total", MINUTE)).extracting(StoredRollup::pageviews).containsExactly(9L);
    }

    @Test
    void one_flush_of_the_open_minutes_of_many_sites_costs_at_most_one_batch_per_shard() throws Exception {
        sendManySites(Granularity.MINUTE, MINUTE, Instant.parse("2026-11-22T13:48:00Z"), false);

        String metrics = metricsAfterOneFlush();
        assertThat(SinkFixture.counter(metrics, "tally_sink_rows_written_total", RollupTables.MINUTES_TABLE)).isEqualTo(MANY_SITES * 4.0);
        // 1,200 rows of one ten-minute period: one single-partition batch per shard, not one request per site or value.
        assertThat(SinkFixture.counter(metrics, "tally_sink_writes_total", RollupTables.MINUTES_TABLE))
                .isBetween(1.0, (double) RollupLayout.MINUTE_SHARDS);
        assertManySitesReadBack(Tier.MINUTE, MINUTE);
    }

    @Test
    void the_finals_of_a_closed_hour_and_day_of_many_sites_cost_at_most_one_batch_per_shard() throws Exception {
        Instant emitted = Instant.parse("2026-11-23T00:11:00Z");
        sendManySites(Granularity.HOUR, HOUR, emitted, true);
        sendManySites(Granularity.DAY, DAY, emitted, true);

        String metrics = metricsAfterOneFlush();
        for (String table : List.of(RollupTables.HOURS_TABLE, RollupTables.DAYS_TABLE)) {
            assertThat(SinkFixture.counter(metrics, "tally_sink_rows_written_total", table)).isEqualTo(MANY_SITES * 4.0);
            // 1,200 rows of one bucket: one single-partition batch per shard, not one request per site or value.
            assertThat(SinkFixture.counter(metrics, "tally_sink_writes_total", table)).isBetween(1.0, (double) RollupLayout.HOUR_DAY_SHARDS);
        }
        assertManySitesReadBack(Tier.HOUR, HOUR);
        assertManySitesReadBack(Tier.DAY, DAY);
    }

    /** The total (site i: i + 1 page views) and {@link #PAGES} of each of {@link #MANY_SITES} sites in one bucket. */
    private void sendManySites(Granularity granularity, Instant bucket, Instant emitted, boolean finalized) {
        for (int s = 0; s < MANY_SITES; s++) {
            fixture.send(TestEvents.rollup(site + "-" + s, granularity, "total", "", bucket, s + 1, emitted, finalized));
            for (String page : PAGES) {
                fixture.send(TestEvents.rollup(site + "-" + s, granularity, "page", page, bucket, 1, emitted, finalized));
            }
        }
        fixture.flush();
    }

    /**
     * Starts a sink of its own once every record is in Kafka, with a flush interval long enough for one flush
     * to hold them all, and returns its metrics once it has committed everything.
     */
    private String metricsAfterOneFlush() throws Exception {
        String oneFlush = TestCluster.uniqueName("group_");
        SinkApp sink = fixture.startSink(oneFlush, Map.of("sink.rollups.flush-interval", "5s"));
        fixture.awaitCommittedToEnd(oneFlush + ".rollups", fixture.rollupTopics(), Duration.ofSeconds(60));
        return SinkFixture.get(sink, "/metrics").body();
    }

    private void assertManySitesReadBack(Tier tier, Instant bucket) {
        for (int s = 0; s < MANY_SITES; s += 37) {
            String oneSite = site + "-" + s;
            assertThat(fixture.rollups.series(oneSite, tier, "total", "", bucket.minusMillis(tier.millis()), bucket.plusMillis(2 * tier.millis())))
                    .as(tier + " series of " + oneSite).extracting(StoredRollup::bucketStart, StoredRollup::pageviews)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(bucket, s + 1L));
            assertThat(fixture.rollups.breakdown(oneSite, tier, "page", bucket)).as(tier + " breakdown of " + oneSite)
                    .extracting(StoredRollup::dimensionValue).containsExactlyInAnyOrderElementsOf(PAGES);
        }
    }

    /** The stored minutes of one value within an hour either side of {@code MINUTE}: several periods. */
    private List<StoredRollup> minutesAround(String site, String dimension, String value) {
        return fixture.rollups.series(site, Tier.MINUTE, dimension, value, MINUTE.minus(Duration.ofHours(1)), MINUTE.plus(Duration.ofHours(1)));
    }

    static void assertStored(StoredRollup stored, Rollup sent) {
        assertThat(stored.dimensionValue()).isEqualTo(sent.getDimensionValue());
        assertThat(stored.bucketStart()).isEqualTo(sent.getBucketStart());
        assertThat(stored.pageviews()).isEqualTo(sent.getPageviews());
        assertThat(stored.customEvents()).isEqualTo(sent.getCustomEvents());
        assertThat(stored.visitorsSketch()).isEqualTo(ByteBuffer.wrap(bytes(sent.getVisitorsSketch())));
        assertThat(stored.visitorsEstimate()).isEqualTo(sent.getVisitorsEstimate());
        assertThat(stored.valueCount()).isEqualTo(sent.getValueCount());
        assertThat(stored.valueSum()).isEqualTo(sent.getValueSum());
        assertThat(stored.valueMin()).isEqualTo(sent.getValueMin());
        assertThat(stored.valueMax()).isEqualTo(sent.getValueMax());
        assertThat(stored.finalized()).isEqualTo(sent.getFinalized());
        assertThat(stored.updatedAt()).isEqualTo(sent.getUpdatedAt());
    }

    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        copy.rewind();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

}

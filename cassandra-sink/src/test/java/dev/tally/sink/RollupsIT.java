package dev.tally.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.deploy.cluster.TestCluster;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.store.RollupLayout;
import dev.tally.store.RollupLayout.Tier;
import dev.tally.store.RollupTables.StoredRollup;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rollup records from the three rollup topics into {@code rollup_series} and {@code rollup_breakdown}. */
class RollupsIT {
    private static final Instant MINUTE = Instant.parse("2026-11-22T13:47:00Z");
    private static final Instant HOUR = Instant.parse("2026-11-22T13:00:00Z");
    private static final Instant DAY = Instant.parse("2026-11-22T00:00:00Z");

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

        List<StoredRollup> series = fixture.rollups.series(site, Tier.MINUTE, "total", "", LocalDate.of(2026, 11, 22));
        assertThat(series).singleElement().satisfies(stored -> assertStored(stored, last));
        assertThat(fixture.rollups.breakdown(site, Tier.MINUTE, "total", MINUTE)).singleElement()
                .satisfies(stored -> assertStored(stored, last));

        List<StoredRollup> pages = fixture.rollups.breakdown(site, Tier.MINUTE, "page", MINUTE);
        assertThat(pages).hasSize(20);
        Map<String, Long> pageviews = pages.stream().collect(Collectors.toMap(StoredRollup::dimensionValue, StoredRollup::pageviews));
        for (int page = 0; page < 20; page++) {
            assertThat(pageviews).containsEntry("/page-" + page, (long) page + 1);
            assertThat(fixture.rollups.series(site, Tier.MINUTE, "page", "/page-" + page, LocalDate.of(2026, 11, 22)))
                    .extracting(StoredRollup::pageviews).containsExactly((long) page + 1);
        }
        // Breakdown rows really are spread over the shards a reader reads.
        assertThat(pages.stream().map(p -> RollupLayout.shardOf(p.dimensionValue())).distinct().count()).isGreaterThan(1);

        assertThat(fixture.rollups.series(site, Tier.HOUR, "total", "", RollupLayout.periodOf(Tier.HOUR, HOUR)))
                .extracting(StoredRollup::bucketStart, StoredRollup::pageviews).containsExactly(org.assertj.core.groups.Tuple.tuple(HOUR, 30L));
        assertThat(fixture.rollups.series(site, Tier.DAY, "browser", "Firefox", LocalDate.of(2026, 1, 1)))
                .extracting(StoredRollup::pageviews).containsExactly(40L);
        assertThat(fixture.rollups.breakdown(site, Tier.DAY, "browser", DAY)).extracting(StoredRollup::dimensionValue)
                .containsExactly("Firefox");
    }

    @Test
    void a_record_emitted_earlier_but_arriving_later_does_not_replace_the_newer_value() {
        Instant emitted = Instant.parse("2026-11-22T13:48:00Z");
        Rollup newer = TestEvents.rollup(site, Granularity.MINUTE, "total", "", MINUTE, 9, emitted.plusSeconds(30), false);
        Rollup older = TestEvents.rollup(site, Granularity.MINUTE, "total", "", MINUTE, 3, emitted, false);
        LocalDate period = RollupLayout.periodOf(Tier.MINUTE, MINUTE);

        fixture.send(newer);
        fixture.flush();
        await().atMost(Duration.ofSeconds(60)).until(() -> !fixture.rollups.series(site, Tier.MINUTE, "total", "", period).isEmpty());
        fixture.send(older);
        fixture.awaitCommittedToEnd(group + ".rollups", fixture.rollupTopics(), Duration.ofSeconds(60));

        assertThat(fixture.rollups.series(site, Tier.MINUTE, "total", "", period)).extracting(StoredRollup::pageviews).containsExactly(9L);
        assertThat(fixture.rollups.breakdown(site, Tier.MINUTE, "total", MINUTE)).extracting(StoredRollup::pageviews).containsExactly(9L);
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

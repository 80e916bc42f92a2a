package dev.tally.aggregator.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tally.aggregator.enrich.TrackedEvents;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollupTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final String SITE = "example.com";

    @TempDir
    Path stateDir;
    private TopologyHarness harness;

    @BeforeEach
    void start() {
        harness = new TopologyHarness(stateDir, Duration.ofMinutes(10), 1_000);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private void pageview(Instant at, String visitor, String path) {
        harness.send(TrackedEvents.pageview().setReceivedAt(at).setVisitorId(visitor).setUrl("https://example.com" + path).build());
    }

    private static RollupKey key(Granularity granularity, String dimension, String value, Instant bucket) {
        return RollupKey.newBuilder().setSiteId(SITE).setGranularity(granularity).setDimension(dimension)
                .setDimensionValue(value).setBucketStart(bucket).build();
    }

    private static RollupKey total(Granularity granularity, Instant bucket) {
        return key(granularity, "total", "", bucket);
    }

    /** Moves stream time far enough that every bucket up to {@code T0} + 1 day is closed. */
    private void closeEverything() {
        harness.send(TrackedEvents.pageview().setSiteId("clock.example").setReceivedAt(T0.plus(Duration.ofDays(3))).build());
        harness.tick();
        harness.send(TrackedEvents.pageview().setSiteId("clock.example").setReceivedAt(T0.plus(Duration.ofDays(3)).plusSeconds(61)).build());
        harness.tick();
    }

    @Test
    void writes_every_event_enriched_with_its_raw_key_bots_included() {
        harness.send(TrackedEvents.pageview().setVisitorId("v1").build());
        harness.send(TrackedEvents.pageview().setVisitorId("v2").setUserAgent(TrackedEvents.GOOGLEBOT).build());

        List<KeyValue<String, EnrichedEvent>> enriched = harness.enriched();

        assertThat(enriched).extracting(kv -> kv.key).containsExactly(SITE + "|v1", SITE + "|v2");
        assertThat(enriched).extracting(kv -> kv.value.getBot()).containsExactly(false, true);
    }

    @Test
    void counts_page_views_custom_events_visitors_and_values_per_minute_by_receive_time() {
        pageview(T0.plusSeconds(1), "v1", "/");
        pageview(T0.plusSeconds(59), "v2", "/pricing/");
        harness.send(TrackedEvents.custom("signup").setReceivedAt(T0.plusSeconds(30)).setVisitorId("v1").setValue(12.5).build());
        harness.send(TrackedEvents.custom("signup").setReceivedAt(T0.plusSeconds(31)).setVisitorId("v2").setValue(2.5).build());
        pageview(T0.plusSeconds(60), "v1", "/");
        harness.tick();

        Map<RollupKey, Rollup> latest = harness.latest();
        Rollup first = latest.get(total(Granularity.MINUTE, T0));
        assertThat(first.getPageviews()).isEqualTo(2);
        assertThat(first.getCustomEvents()).isEqualTo(2);
        assertThat(first.getVisitorsEstimate()).isCloseTo(2.0, within(1e-6));
        assertThat(first.getValueCount()).isEqualTo(2);
        assertThat(first.getValueSum()).isEqualTo(15.0);
        assertThat(first.getValueMin()).isEqualTo(2.5);
        assertThat(first.getValueMax()).isEqualTo(12.5);
        assertThat(first.getFinalized()).isFalse();
        assertThat(first.getUpdatedAt()).isEqualTo(TopologyHarness.NOW);
        assertThat(latest.get(key(Granularity.MINUTE, "page", "/pricing", T0)).getPageviews()).isEqualTo(1);
        assertThat(latest.get(key(Granularity.MINUTE, "page", "/", T0)).getPageviews()).isEqualTo(1);
        assertThat(latest.get(key(Granularity.MINUTE, "page", "/", T0)).getCustomEvents()).isEqualTo(2);
        assertThat(latest.get(key(Granularity.MINUTE, "event_name", "signup", T0)).getCustomEvents()).isEqualTo(2);
        assertThat(latest.get(key(Granularity.MINUTE, "browser", "Chrome", T0)).getPageviews()).isEqualTo(2);
        assertThat(latest.get(key(Granularity.MINUTE, "os", "Windows", T0)).getPageviews()).isEqualTo(2);
        assertThat(latest.get(key(Granularity.MINUTE, "device", "desktop", T0)).getPageviews()).isEqualTo(2);
        assertThat(latest.get(key(Granularity.MINUTE, "channel", "direct", T0)).getPageviews()).isEqualTo(2);
        assertThat(latest.get(total(Granularity.MINUTE, T0.plusSeconds(60))).getPageviews()).isEqualTo(1);
        assertThat(latest).doesNotContainKey(key(Granularity.MINUTE, "event_name", "pageview", T0));
    }

    @Test
    void publishes_the_open_minute_again_after_every_commit_interval_in_which_it_changed() {
        pageview(T0.plusSeconds(1), "v1", "/");
        harness.tick();
        assertThat(harness.latest().get(total(Granularity.MINUTE, T0)).getPageviews()).isEqualTo(1);

        pageview(T0.plusSeconds(2), "v2", "/");
        harness.tick();
        assertThat(harness.latest().get(total(Granularity.MINUTE, T0)).getPageviews()).isEqualTo(2);
        assertThat(harness.latest().get(total(Granularity.MINUTE, T0)).getFinalized()).isFalse();
    }

    @Test
    void an_out_of_order_event_within_grace_counts_in_every_tier_and_a_later_one_only_in_the_late_metric() {
        pageview(T0.plusSeconds(10), "v1", "/");
        pageview(T0.plus(Duration.ofMinutes(5)), "v1", "/");
        pageview(T0.plusSeconds(20), "v2", "/"); // 5 minutes late: within grace
        pageview(T0.plus(Duration.ofMinutes(30)), "v1", "/");
        pageview(T0.plusSeconds(30), "v3", "/"); // 30 minutes late: its minute closed at T0 + 11 min
        harness.tick();
        closeEverything();

        Map<RollupKey, Rollup> latest = harness.latest();
        assertThat(latest.get(total(Granularity.MINUTE, T0)).getPageviews()).isEqualTo(2);
        assertThat(latest.get(total(Granularity.MINUTE, T0)).getVisitorsEstimate()).isCloseTo(2.0, within(1e-6));
        assertThat(latest.get(total(Granularity.HOUR, T0)).getPageviews()).isEqualTo(4);
        assertThat(latest.get(total(Granularity.DAY, Instant.parse("2026-11-22T00:00:00Z"))).getPageviews()).isEqualTo(4);
        assertThat(harness.late.get()).isEqualTo(1);
    }

    @Test
    void bots_are_counted_in_a_metric_and_left_out_of_every_rollup() {
        pageview(T0, "v1", "/");
        harness.send(TrackedEvents.pageview().setReceivedAt(T0).setVisitorId("bot").setUserAgent(TrackedEvents.GOOGLEBOT).build());
        harness.tick();

        Map<RollupKey, Rollup> latest = harness.latest();
        assertThat(latest.get(total(Granularity.MINUTE, T0)).getPageviews()).isEqualTo(1);
        assertThat(latest).doesNotContainKey(key(Granularity.MINUTE, "device", "bot", T0));
        assertThat(harness.bots.get()).isEqualTo(1);
    }

    @Test
    void a_closed_minute_publishes_a_final_record_and_its_hour_and_day_are_the_union_of_their_minutes() {
        pageview(T0.plusSeconds(5), "v1", "/");
        pageview(T0.plusSeconds(65), "v1", "/a");
        pageview(T0.plusSeconds(70), "v2", "/a");
        harness.tick();
        closeEverything();

        Map<RollupKey, Rollup> latest = harness.latest();
        Rollup minute0 = latest.get(total(Granularity.MINUTE, T0));
        Rollup minute1 = latest.get(total(Granularity.MINUTE, T0.plusSeconds(60)));
        Rollup hour = latest.get(total(Granularity.HOUR, T0));
        Rollup day = latest.get(total(Granularity.DAY, Instant.parse("2026-11-22T00:00:00Z")));
        assertThat(List.of(minute0, minute1, hour, day)).allMatch(Rollup::getFinalized);
        assertThat(hour.getPageviews()).isEqualTo(3);
        assertThat(hour.getVisitorsEstimate()).isCloseTo(2.0, within(1e-6)); // v1 is in both minutes: counted once
        assertThat(day.getPageviews()).isEqualTo(3);
        assertThat(sketch(day).getEstimate()).isCloseTo(2.0, within(1e-6));
        // Each key's last record is the final one: nothing is published for a bucket after it closed.
        Map<RollupKey, Integer> finals = new java.util.HashMap<>();
        for (KeyValue<RollupKey, Rollup> record : harness.published) {
            assertThat(finals).as("record after the final one for %s", record.key).doesNotContainKey(record.key);
            if (record.value.getFinalized()) {
                finals.put(record.key, 1);
            }
        }
    }

    @Test
    void hours_and_days_publish_one_final_record_per_dimension_value_when_they_close_and_nothing_while_open() {
        for (int minute = 0; minute < 30; minute++) {
            pageview(T0.plus(Duration.ofMinutes(minute)), "v" + minute, "/p" + (minute % 3));
            harness.tick();
        }
        assertThat(harness.published).as("minutes 0-18 closed (grace 10 min), their hour is still open")
                .anyMatch(record -> record.key.getGranularity() == Granularity.MINUTE && record.value.getFinalized())
                .noneMatch(record -> record.key.getGranularity() != Granularity.MINUTE);

        closeEverything();

        Map<RollupKey, Integer> coarseRecords = new java.util.HashMap<>();
        for (KeyValue<RollupKey, Rollup> record : harness.published) {
            if (record.key.getGranularity() != Granularity.MINUTE) {
                assertThat(record.value.getFinalized()).as("%s", record.key).isTrue();
                coarseRecords.merge(record.key, 1, Integer::sum);
            }
        }
        assertThat(coarseRecords.values()).allMatch(count -> count == 1);
        assertThat(harness.latest().get(total(Granularity.HOUR, T0)).getPageviews()).isEqualTo(30);
        assertThat(harness.latest().get(key(Granularity.HOUR, "page", "/p1", T0)).getPageviews()).isEqualTo(10);
        assertThat(harness.latest().get(total(Granularity.DAY, Instant.parse("2026-11-22T00:00:00Z"))).getPageviews()).isEqualTo(30);
    }

    @Test
    void events_beyond_the_write_ahead_capacity_are_drained_early_and_all_counted() {
        for (int i = 0; i < 2_500; i++) {
            pageview(T0.plusMillis(i), "v" + (i % 50), "/");
        }
        harness.tick();

        assertThat(harness.latest().get(total(Granularity.MINUTE, T0)).getPageviews()).isEqualTo(2_500);
    }

    @Test
    void a_merge_journal_that_fills_every_second_does_not_postpone_closing() {
        pageview(T0, "v1", "/");
        Instant later = T0.plus(Duration.ofDays(1));
        harness.send(TrackedEvents.pageview().setSiteId("clock.example").setReceivedAt(later).build());
        int slicesPerTick = MergeProcessor.JOURNAL_CAPACITY + 1_000; // each drain fills the journal: a checkpoint mid-tick
        for (int tick = 0; tick < 4; tick++) {
            for (int site = 0; site < slicesPerTick; site++) {
                harness.send(TrackedEvents.pageview().setSiteId("busy" + site + ".example").setReceivedAt(later).build());
            }
            harness.tick();
        }

        assertThat(harness.latest().get(total(Granularity.MINUTE, T0)))
                .as("closed within %d publish intervals despite the journal's own checkpoints", MergeProcessor.PUBLISHES_PER_CHECKPOINT)
                .isNotNull().satisfies(minute -> assertThat(minute.getFinalized()).isTrue());
    }

    @Test
    void without_pre_aggregation_every_tier_counts_the_same(@TempDir Path otherStateDir) {
        try (TopologyHarness alone = new TopologyHarness(otherStateDir, Duration.ofMinutes(10), 1_000, false)) {
            for (TopologyHarness each : List.of(harness, alone)) {
                for (int i = 0; i < 300; i++) {
                    Instant at = T0.plusSeconds(i * 7L);
                    each.send(TrackedEvents.pageview().setReceivedAt(at).setVisitorId("v" + (i % 40)).setUrl("https://example.com/p" + (i % 7)).build());
                    if (i % 10 == 0) {
                        each.send(TrackedEvents.custom("purchase").setValue(i / 10 + 0.5).setReceivedAt(at).setVisitorId("v" + (i % 40)).build());
                    }
                    if (i % 50 == 0) {
                        each.tick();
                    }
                }
                each.send(TrackedEvents.pageview().setSiteId("clock.example").setReceivedAt(T0.plus(Duration.ofDays(3))).build());
                for (int tick = 0; tick < 3; tick++) {
                    each.tick();
                }
            }
            Map<RollupKey, String> expected = finals(harness);
            assertThat(expected.keySet()).extracting(RollupKey::getGranularity).contains(Granularity.MINUTE, Granularity.HOUR, Granularity.DAY);
            assertThat(finals(alone)).isEqualTo(expected);
        }
    }

    /** Each final record of the test's site, as counts, value sums to six decimals and the visitor estimate. */
    private static Map<RollupKey, String> finals(TopologyHarness of) {
        Map<RollupKey, String> finals = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        of.latest().forEach((key, value) -> {
            if (value.getFinalized() && key.getSiteId().equals(SITE)) {
                finals.put(key, String.format(java.util.Locale.ROOT, "%d/%d/%d/%.6f/%s/%s/%.6f", value.getPageviews(), value.getCustomEvents(),
                        value.getValueCount(), value.getValueSum(), value.getValueMin(), value.getValueMax(), value.getVisitorsEstimate()));
            }
        });
        return finals;
    }

    static HllSketch sketch(Rollup rollup) {
        return HllSketch.heapify(Memory.wrap(rollup.getVisitorsSketch().array()));
    }

    static TrackedEvent.Builder event() {
        return TrackedEvents.pageview();
    }
}

package dev.tally.aggregator.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.junit.jupiter.api.Test;

class DayRecomputationTest {
    private static final LocalDate DAY = LocalDate.parse("2026-11-20");
    private static final long DAY_START = Instant.parse("2026-11-20T00:00:00Z").toEpochMilli();
    private static final Instant NOW = Instant.parse("2026-11-23T04:00:00Z");

    @Test
    void counts_only_the_sites_events_of_its_day() {
        DayRecomputation day = new DayRecomputation("a.example", DAY);

        assertThat(day.add(input("a.example", DAY_START, "/", true, null, "v1"))).isTrue();
        assertThat(day.add(input("a.example", DAY_START - 1, "/", true, null, "v1"))).as("the day before").isFalse();
        assertThat(day.add(input("a.example", DAY_START + Buckets.DAY_MS, "/", true, null, "v1"))).as("the day after").isFalse();
        assertThat(day.add(input("b.example", DAY_START + 5, "/", true, null, "v1"))).as("another site").isFalse();
        assertThat(day.events()).isEqualTo(1);
    }

    @Test
    void publishes_every_tier_final_and_the_tiers_agree() {
        DayRecomputation day = new DayRecomputation("a.example", DAY);
        Random random = new Random(3);
        long pageviews = 0;
        long custom = 0;
        double valueSum = 0;
        Set<String> visitors = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            boolean pageview = random.nextInt(4) > 0;
            Double value = pageview ? null : (double) random.nextInt(100);
            String visitor = "v" + random.nextInt(800);
            day.add(input("a.example", DAY_START + random.nextLong(Buckets.DAY_MS), "/p" + random.nextInt(5), pageview, value, visitor));
            visitors.add(visitor);
            if (pageview) {
                pageviews++;
            } else {
                custom++;
                valueSum += value;
            }
        }
        List<Map.Entry<RollupKey, Rollup>> published = new ArrayList<>();
        Map<Granularity, Long> perTier = day.publish(NOW, (key, value) -> published.add(Map.entry(key, value)));

        assertThat(published).allSatisfy(record -> {
            assertThat(record.getValue().getFinalized()).isTrue();
            assertThat(record.getValue().getUpdatedAt()).isEqualTo(NOW);
            assertThat(record.getKey().getSiteId()).isEqualTo("a.example");
        });
        assertThat(perTier.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(published.size());
        assertThat(perTier.get(Granularity.DAY)).as("total, 5 pages, channel, event_name, browser, os, device").isEqualTo(11);

        for (Granularity tier : Granularity.values()) {
            List<Rollup> totals = published.stream()
                    .filter(r -> r.getKey().getGranularity() == tier && r.getKey().getDimension().equals("total"))
                    .map(Map.Entry::getValue).toList();
            assertThat(totals.stream().mapToLong(Rollup::getPageviews).sum()).as(tier + " page views").isEqualTo(pageviews);
            assertThat(totals.stream().mapToLong(Rollup::getCustomEvents).sum()).as(tier + " custom events").isEqualTo(custom);
            assertThat(totals.stream().mapToDouble(Rollup::getValueSum).sum()).as(tier + " value sum").isEqualTo(valueSum);
            Union union = new Union(Metrics.LG_CONFIG_K);
            totals.forEach(r -> union.update(HllSketch.heapify(r.getVisitorsSketch().array())));
            assertThat(union.getResult(TgtHllType.HLL_4).getEstimate()).as(tier + " visitors, union of its buckets")
                    .isCloseTo(visitors.size(), org.assertj.core.data.Percentage.withPercentage(3.3));
        }
        assertThat(published.stream().filter(r -> r.getKey().getGranularity() == Granularity.MINUTE)
                .map(r -> r.getKey().getBucketStart().toEpochMilli()).allMatch(start -> start % Buckets.MINUTE_MS == 0)).isTrue();
    }

    @Test
    void a_day_without_events_publishes_nothing() {
        List<RollupKey> published = new ArrayList<>();
        assertThat(new DayRecomputation("a.example", DAY).publish(NOW, (key, value) -> published.add(key))).isEmpty();
        assertThat(published).isEmpty();
    }

    private static RollupInput input(String site, long timeMs, String page, boolean pageview, Double value, String visitor) {
        String[] values = Dimension.valuesOf(page, null, "direct", null, null, pageview ? null : "signup", "Chrome", "Linux", "desktop");
        return new RollupInput(site, timeMs, pageview, value, visitor, values);
    }
}

package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.store.RollupLayout.Tier;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollupLayoutTest {
    private static final short MINUTE_SHARD_OF_EXAMPLE_TOTAL = 12;
    private static final short MINUTE_SHARD_OF_EXAMPLE_PRICING = 0;

    @Test
    void periodsBoundEachSeriesPartition() {
        Instant t = Instant.parse("2026-11-22T23:59:00Z");
        assertThat(RollupLayout.periodOf(Tier.MINUTE, t)).isEqualTo(LocalDate.parse("2026-11-22"));
        assertThat(RollupLayout.periodOf(Tier.HOUR, t)).isEqualTo(LocalDate.parse("2026-11-01"));
        assertThat(RollupLayout.periodOf(Tier.DAY, t)).isEqualTo(LocalDate.parse("2026-01-01"));
        assertThat(RollupLayout.periodOf(Tier.MINUTE, Instant.parse("2026-11-23T00:00:00Z"))).isEqualTo(LocalDate.parse("2026-11-23"));
    }

    @Test
    void shardIsStableAndSpreadsValues() {
        // Pinned: a change of the hash would strand every stored breakdown row.
        assertThat(RollupLayout.shardOf("")).isEqualTo((short) Math.floorMod(0x811c9dc5, RollupLayout.BREAKDOWN_SHARDS));
        assertThat(RollupLayout.shardOf("/pricing")).isEqualTo((short) 0);
        Map<Short, Integer> counts = new HashMap<>();
        for (int i = 0; i < 80_000; i++) {
            counts.merge(RollupLayout.shardOf("/page/" + i), 1, Integer::sum);
        }
        assertThat(counts).hasSize(RollupLayout.BREAKDOWN_SHARDS);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(9_000, 11_000));
    }

    @Test
    void minutePeriodsAreTenMinutesOfUtc() {
        assertThat(RollupLayout.minutePeriodOf(Instant.parse("2026-11-22T23:59:00Z"))).isEqualTo(Instant.parse("2026-11-22T23:50:00Z"));
        assertThat(RollupLayout.minutePeriodOf(Instant.parse("2026-11-23T00:00:00Z"))).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(RollupLayout.minutePeriodOf(Instant.parse("1969-12-31T23:55:00Z"))).isEqualTo(Instant.parse("1969-12-31T23:50:00Z"));
    }

    @Test
    void minutesAreGroupedByPeriodInTimeOrder() {
        Map<Instant, java.util.List<Instant>> periods = RollupLayout.minutesByPeriod(Instant.parse("2026-11-22T10:08:00Z"),
                Instant.parse("2026-11-22T10:21:00Z"));
        assertThat(periods.keySet()).containsExactly(Instant.parse("2026-11-22T10:00:00Z"), Instant.parse("2026-11-22T10:10:00Z"),
                Instant.parse("2026-11-22T10:20:00Z"));
        assertThat(periods.get(Instant.parse("2026-11-22T10:00:00Z"))).containsExactly(Instant.parse("2026-11-22T10:08:00Z"),
                Instant.parse("2026-11-22T10:09:00Z"));
        assertThat(periods.get(Instant.parse("2026-11-22T10:10:00Z"))).hasSize(10);
        assertThat(periods.get(Instant.parse("2026-11-22T10:20:00Z"))).containsExactly(Instant.parse("2026-11-22T10:20:00Z"));
        assertThat(RollupLayout.minutesByPeriod(Instant.parse("2026-11-22T10:08:00Z"), Instant.parse("2026-11-22T10:08:00Z"))).isEmpty();
    }

    @Test
    void minuteShardIsStableSeparatesFieldsAndSpreadsSitesAndValues() {
        // Pinned: a change of the hash would strand every stored minute row.
        assertThat(RollupLayout.minuteShardOf("example.com", "total", "")).isEqualTo(MINUTE_SHARD_OF_EXAMPLE_TOTAL);
        assertThat(RollupLayout.minuteShardOf("example.com", "page", "/pricing")).isEqualTo(MINUTE_SHARD_OF_EXAMPLE_PRICING);
        int apart = 0;
        for (int i = 0; i < 100; i++) {
            if (RollupLayout.minuteShardOf("s" + i, "ab", "c") != RollupLayout.minuteShardOf("s" + i, "a", "bc")) {
                apart++;
            }
        }
        assertThat(apart).isGreaterThan(80);

        Map<Short, Integer> pagesOfOneSite = new HashMap<>();
        Map<Short, Integer> totalsOfSites = new HashMap<>();
        for (int i = 0; i < 80_000; i++) {
            pagesOfOneSite.merge(RollupLayout.minuteShardOf("big.example", "page", "/page/" + i), 1, Integer::sum);
            totalsOfSites.merge(RollupLayout.minuteShardOf("site-" + i + ".example", "total", ""), 1, Integer::sum);
        }
        assertThat(pagesOfOneSite).hasSize(RollupLayout.MINUTE_SHARDS);
        assertThat(pagesOfOneSite.values()).allSatisfy(n -> assertThat(n).isBetween(4_500, 5_500));
        assertThat(totalsOfSites).hasSize(RollupLayout.MINUTE_SHARDS);
        assertThat(totalsOfSites.values()).allSatisfy(n -> assertThat(n).isBetween(4_500, 5_500));
        assertThat(RollupLayout.ALL_MINUTE_SHARDS).hasSize(RollupLayout.MINUTE_SHARDS).first().isEqualTo((short) 0);
    }
}

package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.store.RollupLayout.Tier;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollupLayoutTest {
    private static final short MINUTE_SHARD_OF_EXAMPLE_TOTAL = 12;
    private static final short MINUTE_SHARD_OF_EXAMPLE_PRICING = 0;
    private static final short HOUR_DAY_SHARD_OF_EXAMPLE_TOTAL = 48;
    private static final short HOUR_DAY_SHARD_OF_EXAMPLE_PRICING = 56;

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

    @Test
    void bucketsInAreTheAlignedBucketStartsOfTheRange() {
        assertThat(RollupLayout.bucketsIn(Tier.HOUR, Instant.parse("2026-11-22T10:30:00Z"), Instant.parse("2026-11-22T13:00:00Z")))
                .containsExactly(Instant.parse("2026-11-22T11:00:00Z"), Instant.parse("2026-11-22T12:00:00Z"));
        assertThat(RollupLayout.bucketsIn(Tier.DAY, Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-22T00:00:01Z")))
                .containsExactly(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"),
                        Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(RollupLayout.bucketsIn(Tier.HOUR, Instant.parse("2026-11-22T10:00:00Z"), Instant.parse("2026-11-22T10:00:00Z"))).isEmpty();
    }

    @Test
    void hourDayShardIsStableAndOneOfTheDimensionsShards() {
        // Pinned: a change of the hash would strand every stored hour and day row.
        assertThat(RollupLayout.hourDayShardOf("example.com", "total", "")).isEqualTo(HOUR_DAY_SHARD_OF_EXAMPLE_TOTAL);
        assertThat(RollupLayout.hourDayShardOf("example.com", "page", "/pricing")).isEqualTo(HOUR_DAY_SHARD_OF_EXAMPLE_PRICING);

        List<Short> pageShards = RollupLayout.hourDayShardsOf("big.example", "page");
        assertThat(pageShards).hasSize(RollupLayout.HOUR_DAY_SHARDS_PER_DIMENSION).doesNotHaveDuplicates()
                .allSatisfy(shard -> assertThat(shard).isBetween((short) 0, (short) (RollupLayout.HOUR_DAY_SHARDS - 1)));
        Map<Short, Integer> pagesOfOneSite = new HashMap<>();
        for (int i = 0; i < 80_000; i++) {
            pagesOfOneSite.merge(RollupLayout.hourDayShardOf("big.example", "page", "/page/" + i), 1, Integer::sum);
        }
        // A breakdown reads exactly the shards the values are in, and they share them evenly.
        assertThat(pagesOfOneSite.keySet()).containsExactlyInAnyOrderElementsOf(pageShards);
        assertThat(pagesOfOneSite.values()).allSatisfy(n -> assertThat(n).isBetween(4_500, 5_500));
    }

    @Test
    void sitesAndDimensionsStartAtDifferentHourDayShards() {
        Map<Short, Integer> rowsOfManySites = new HashMap<>();
        for (int i = 0; i < 4_000; i++) {
            for (String dimension : List.of("total", "page", "browser")) {
                for (int value = 0; value < 10; value++) {
                    rowsOfManySites.merge(RollupLayout.hourDayShardOf("site-" + i + ".example", dimension, "v" + value), 1, Integer::sum);
                }
            }
        }
        // 120,000 rows of many sites over every shard, none with much more than its share (1,875).
        assertThat(rowsOfManySites).hasSize(RollupLayout.HOUR_DAY_SHARDS);
        assertThat(rowsOfManySites.values()).allSatisfy(n -> assertThat(n).isBetween(1_500, 2_250));
        assertThat(RollupLayout.hourDayShardsOf("a.example", "page")).isNotEqualTo(RollupLayout.hourDayShardsOf("a.example", "browser"));
    }
}

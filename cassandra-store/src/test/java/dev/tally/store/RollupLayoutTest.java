package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.store.RollupLayout.Tier;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollupLayoutTest {

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
}

package dev.tally.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Where a rollup row lives in the two rollup tables (V003): the partition {@code period} of a
 * {@code rollup_series} row and the {@code shard} of a {@code rollup_breakdown} row. Writer (the sink)
 * and reader (the query API) both use this class, so they cannot disagree.
 */
public final class RollupLayout {
    /** Partitions per (site, granularity, dimension, bucket) in {@code rollup_breakdown}. Never change it: stored rows would be unreachable. */
    public static final int BREAKDOWN_SHARDS = 8;

    /** Granularities as stored in the {@code granularity} column. */
    public enum Tier {
        MINUTE(60_000L), HOUR(3_600_000L), DAY(86_400_000L);

        private final long millis;

        Tier(long millis) {
            this.millis = millis;
        }

        public long millis() {
            return millis;
        }
    }

    private RollupLayout() {
    }

    /**
     * The {@code rollup_series} partition of a bucket: its UTC day for minutes (1,440 rows), the first
     * day of its UTC month for hours (at most 744 rows), the first day of its UTC year for days.
     */
    public static LocalDate periodOf(Tier tier, Instant bucketStart) {
        LocalDate day = LocalDate.ofInstant(bucketStart, ZoneOffset.UTC);
        return switch (tier) {
            case MINUTE -> day;
            case HOUR -> day.withDayOfMonth(1);
            case DAY -> day.withDayOfYear(1);
        };
    }

    /**
     * The {@code rollup_breakdown} shard of a dimension value: a hash of its UTF-8 bytes (FNV-1a, fixed
     * here rather than {@link String#hashCode()} so the layout is defined by this file alone).
     */
    public static short shardOf(String dimensionValue) {
        int hash = 0x811c9dc5;
        for (byte b : dimensionValue.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return (short) Math.floorMod(hash, BREAKDOWN_SHARDS);
    }
}

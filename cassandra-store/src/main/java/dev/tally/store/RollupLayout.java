package dev.tally.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a rollup row lives. Hours and days (V003): the partition {@code period} of a
 * {@code rollup_series} row and the {@code shard} of a {@code rollup_breakdown} row. Minutes (V005): the
 * {@code period_start} and {@code shard} of a {@code rollup_minutes} row. Writer (the sink) and reader
 * (the query API) both use this class, so they cannot disagree.
 */
public final class RollupLayout {
    /** Partitions per (site, granularity, dimension, bucket) in {@code rollup_breakdown}. Never change it: stored rows would be unreachable. */
    public static final int BREAKDOWN_SHARDS = 8;

    /**
     * Width of a {@code rollup_minutes} partition: ten minute buckets. Short enough that every site's
     * minutes of one period stay far below 100 MB per shard (docs/data-model.md), long enough that a
     * 30-minute edge of a query range is three partitions.
     */
    public static final long MINUTE_PERIOD_MILLIS = 600_000L;

    /**
     * Partitions per {@code rollup_minutes} period. All sites share them, so a sink flush writes at most
     * this many partitions per period, however many sites sent events. Never change it: stored rows would be unreachable.
     */
    public static final int MINUTE_SHARDS = 16;

    /** Every {@code rollup_breakdown} shard, for the {@code shard IN ?} of a breakdown read. */
    public static final List<Short> ALL_BREAKDOWN_SHARDS = shards(BREAKDOWN_SHARDS);

    /** Every {@code rollup_minutes} shard, for the {@code shard IN ?} of a breakdown read. */
    public static final List<Short> ALL_MINUTE_SHARDS = shards(MINUTE_SHARDS);

    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;
    /** Hashed between fields so that ("ab", "c") and ("a", "bc") land apart; 0xFF never occurs in UTF-8. */
    private static final int SEPARATOR = 0xff;

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
        return (short) Math.floorMod(fnv1a(FNV_OFFSET, dimensionValue), BREAKDOWN_SHARDS);
    }

    /** The {@code rollup_minutes} partition of a minute bucket: the start of its ten-minute UTC period. */
    public static Instant minutePeriodOf(Instant bucketStart) {
        return Instant.ofEpochMilli(Math.floorDiv(bucketStart.toEpochMilli(), MINUTE_PERIOD_MILLIS) * MINUTE_PERIOD_MILLIS);
    }

    /**
     * The {@code rollup_minutes} shard of one series: FNV-1a over site id, dimension and value. A series
     * stays in one shard (a time-series read is one partition per period); a site's values spread over
     * all shards (a site with 100,000 pages does not fill one partition).
     */
    public static short minuteShardOf(String siteId, String dimension, String dimensionValue) {
        int hash = fnv1a(FNV_OFFSET, siteId);
        hash = fnv1a((hash ^ SEPARATOR) * FNV_PRIME, dimension);
        hash = fnv1a((hash ^ SEPARATOR) * FNV_PRIME, dimensionValue);
        return (short) Math.floorMod(hash, MINUTE_SHARDS);
    }

    /** The minute buckets of {@code [from, to)}, grouped by their {@code rollup_minutes} period, in time order. */
    public static Map<Instant, List<Instant>> minutesByPeriod(Instant from, Instant to) {
        Map<Instant, List<Instant>> periods = new LinkedHashMap<>();
        long minute = Tier.MINUTE.millis();
        for (long bucket = Math.floorDiv(from.toEpochMilli() + minute - 1, minute) * minute; bucket < to.toEpochMilli(); bucket += minute) {
            Instant start = Instant.ofEpochMilli(bucket);
            periods.computeIfAbsent(minutePeriodOf(start), p -> new ArrayList<>()).add(start);
        }
        return periods;
    }

    private static List<Short> shards(int count) {
        List<Short> shards = new ArrayList<>(count);
        for (short shard = 0; shard < count; shard++) {
            shards.add(shard);
        }
        return List.copyOf(shards);
    }

    private static int fnv1a(int hash, String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return hash;
    }
}

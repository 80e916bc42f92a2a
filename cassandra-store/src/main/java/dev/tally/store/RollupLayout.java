package dev.tally.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a rollup row lives: the {@code period_start} and {@code shard} of a {@code rollup_minutes} row
 * (V005), the {@code shard} of a {@code rollup_hours} or {@code rollup_days} row (V006, one partition per
 * bucket and shard). All sites share these partitions, so the sink's writes per flush do not grow with the
 * number of sites and values. Writer (the sink) and reader (the query API) both use this class, so they
 * cannot disagree. Nothing here may change for stored rows: a change of a constant or a hash strands them.
 */
public final class RollupLayout {
    /**
     * Width of a {@code rollup_minutes} partition: ten minute buckets. Short enough that every site's
     * minutes of one period stay far below 100 MB per shard (docs/data-model.md), long enough that a
     * 30-minute edge of a query range is three partitions.
     */
    public static final long MINUTE_PERIOD_MILLIS = 600_000L;

    /**
     * Partitions per {@code rollup_minutes} period. All sites share them, so a sink flush writes at most
     * this many partitions per period, however many sites sent events.
     */
    public static final int MINUTE_SHARDS = 16;

    /** Every {@code rollup_minutes} shard, for the {@code shard IN ?} of a breakdown read. */
    public static final List<Short> ALL_MINUTE_SHARDS = shards(0, MINUTE_SHARDS, MINUTE_SHARDS);

    /**
     * Partitions per hour or day bucket in {@code rollup_hours} and {@code rollup_days}. Hour and day rows
     * carry sketches of up to ~2 KB and every site's values of a bucket share its shards; 64 keep an
     * installation's bucket below 100 MB per partition up to roughly 50,000 events/s of total traffic, more
     * than {@code rollup_minutes} allows (docs/data-model.md).
     */
    public static final int HOUR_DAY_SHARDS = 64;

    /**
     * Of the {@link #HOUR_DAY_SHARDS}, how many hold one site's values of one dimension: a breakdown reads
     * this many partitions per bucket, and a site with 100,000 distinct pages puts ~6,250 rows in each.
     */
    public static final int HOUR_DAY_SHARDS_PER_DIMENSION = 16;

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
        for (Instant start : bucketsIn(Tier.MINUTE, from, to)) {
            periods.computeIfAbsent(minutePeriodOf(start), p -> new ArrayList<>()).add(start);
        }
        return periods;
    }

    /** The buckets of one tier whose start lies in {@code [from, to)}, in time order (UTC-aligned, as the aggregator makes them). */
    public static List<Instant> bucketsIn(Tier tier, Instant from, Instant to) {
        List<Instant> buckets = new ArrayList<>();
        long width = tier.millis();
        for (long bucket = Math.floorDiv(from.toEpochMilli() + width - 1, width) * width; bucket < to.toEpochMilli(); bucket += width) {
            buckets.add(Instant.ofEpochMilli(bucket));
        }
        return buckets;
    }

    /**
     * The {@code rollup_hours} / {@code rollup_days} shard of one series: the first of its site's and
     * dimension's {@link #hourDayShardsOf shards} plus a hash of the value. A series stays in one shard
     * (a time-series read is one partition per bucket); a dimension's values spread over
     * {@link #HOUR_DAY_SHARDS_PER_DIMENSION} shards, and different sites and dimensions start at different shards.
     */
    public static short hourDayShardOf(String siteId, String dimension, String dimensionValue) {
        int offset = Math.floorMod(fnv1a(FNV_OFFSET, dimensionValue), HOUR_DAY_SHARDS_PER_DIMENSION);
        return (short) ((firstHourDayShard(siteId, dimension) + offset) % HOUR_DAY_SHARDS);
    }

    /** The shards holding every value of one site's dimension in an hour or day bucket, for a breakdown's {@code shard IN ?}. */
    public static List<Short> hourDayShardsOf(String siteId, String dimension) {
        return shards(firstHourDayShard(siteId, dimension), HOUR_DAY_SHARDS_PER_DIMENSION, HOUR_DAY_SHARDS);
    }

    private static int firstHourDayShard(String siteId, String dimension) {
        int hash = fnv1a(FNV_OFFSET, siteId);
        hash = fnv1a((hash ^ SEPARATOR) * FNV_PRIME, dimension);
        return Math.floorMod(hash, HOUR_DAY_SHARDS);
    }

    /** {@code count} consecutive shards from {@code first}, wrapping around at {@code of}. */
    private static List<Short> shards(int first, int count, int of) {
        List<Short> shards = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            shards.add((short) ((first + i) % of));
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

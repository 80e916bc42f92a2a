package dev.tally.store;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.schemas.avro.Rollup;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The rollup tables, placed by {@link RollupLayout}: minutes in {@code rollup_minutes} (V005), hours in
 * {@code rollup_hours} and days in {@code rollup_days} (V006). Every site shares their partitions. (V003's
 * {@code rollup_series} and {@code rollup_breakdown} are no longer written or read.)
 *
 * <p>Writes: {@link #bind} turns one {@link Rollup} record into its upsert, with the partition it lands
 * in; {@link #write} sends upserts of one partition as one statement or one unlogged batch. Every upsert writes absolute values with the write
 * timestamp taken from {@code Rollup.updatedAt}, so whatever order two records of one bucket arrive in
 * (retries, replays, several sink instances during a rebalance) the later emission wins, and writing the
 * same record again changes nothing. Reads: a series and a breakdown bucket of any tier, for tests and tools.
 */
public final class RollupTables {
    private static final String VALUES = "pageviews, custom_events, visitors_sketch, visitors_estimate, value_count, value_sum, "
            + "value_min, value_max, finalized, updated_at";

    public static final String MINUTES_TABLE = "rollup_minutes";
    public static final String HOURS_TABLE = "rollup_hours";
    public static final String DAYS_TABLE = "rollup_days";

    /** A partition of one of the tables; upserts of one partition may share an unlogged batch. */
    public sealed interface Partition permits MinutePartition, BucketPartition {
        /** The table the partition belongs to: {@link #MINUTES_TABLE}, {@link #HOURS_TABLE} or {@link #DAYS_TABLE}. */
        String table();
    }

    public record MinutePartition(Instant periodStart, short shard) implements Partition {
        @Override
        public String table() {
            return MINUTES_TABLE;
        }
    }

    /** One shard of one hour ({@code rollup_hours}) or day ({@code rollup_days}). */
    public record BucketPartition(RollupLayout.Tier tier, Instant bucketStart, short shard) implements Partition {
        public BucketPartition {
            if (tier == RollupLayout.Tier.MINUTE) {
                throw new IllegalArgumentException("minutes live in " + MINUTES_TABLE + " partitions of ten minutes");
            }
        }

        @Override
        public String table() {
            return tableOf(tier);
        }
    }

    public record Upsert(Partition partition, BoundStatement statement) {
    }

    /** One stored rollup row of any of the tables. A null {@code valueMin}/{@code valueMax} means no value was seen. */
    public record StoredRollup(String dimensionValue, Instant bucketStart, long pageviews, long customEvents,
                               ByteBuffer visitorsSketch, double visitorsEstimate, long valueCount, double valueSum,
                               Double valueMin, Double valueMax, boolean finalized, Instant updatedAt) {

        static StoredRollup from(Row row) {
            return new StoredRollup(row.getString("dimension_value"), row.getInstant("bucket_start"), row.getLong("pageviews"),
                    row.getLong("custom_events"), row.getByteBuffer("visitors_sketch"), row.getDouble("visitors_estimate"),
                    row.getLong("value_count"), row.getDouble("value_sum"), row.get("value_min", Double.class),
                    row.get("value_max", Double.class), row.getBoolean("finalized"), row.getInstant("updated_at"));
        }
    }

    private final CqlSession session;
    private final ConsistencyLevel consistency;
    private final PreparedStatement upsertMinute;
    private final PreparedStatement selectMinuteSeries;
    private final PreparedStatement selectMinuteBreakdown;
    private final Map<RollupLayout.Tier, PreparedStatement> upsertBucket = new EnumMap<>(RollupLayout.Tier.class);
    private final Map<RollupLayout.Tier, PreparedStatement> selectBucketSeries = new EnumMap<>(RollupLayout.Tier.class);
    private final Map<RollupLayout.Tier, PreparedStatement> selectBucketBreakdown = new EnumMap<>(RollupLayout.Tier.class);

    public RollupTables(CqlSession session, String keyspace, ConsistencyLevel consistency) {
        this.session = session;
        this.consistency = consistency;
        this.upsertMinute = session.prepare("INSERT INTO " + keyspace + ".rollup_minutes (period_start, shard, site_id, dimension, "
                + "bucket_start, dimension_value, " + VALUES + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        this.selectMinuteSeries = session.prepare("SELECT dimension_value, bucket_start, " + VALUES + " FROM " + keyspace
                + ".rollup_minutes WHERE period_start = ? AND shard = ? AND site_id = ? AND dimension = ? AND bucket_start IN ? "
                + "AND dimension_value = ?");
        this.selectMinuteBreakdown = session.prepare("SELECT dimension_value, bucket_start, " + VALUES + " FROM " + keyspace
                + ".rollup_minutes WHERE period_start = ? AND shard IN ? AND site_id = ? AND dimension = ? AND bucket_start = ?");
        for (RollupLayout.Tier tier : List.of(RollupLayout.Tier.HOUR, RollupLayout.Tier.DAY)) {
            String table = keyspace + "." + tableOf(tier);
            upsertBucket.put(tier, session.prepare("INSERT INTO " + table + " (bucket_start, shard, site_id, dimension, "
                    + "dimension_value, " + VALUES + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?"));
            selectBucketSeries.put(tier, session.prepare("SELECT dimension_value, bucket_start, " + VALUES + " FROM " + table
                    + " WHERE bucket_start = ? AND shard = ? AND site_id = ? AND dimension = ? AND dimension_value = ?"));
            selectBucketBreakdown.put(tier, session.prepare("SELECT dimension_value, bucket_start, " + VALUES + " FROM " + table
                    + " WHERE bucket_start = ? AND shard IN ? AND site_id = ? AND dimension = ?"));
        }
    }

    /** The table of a tier: {@link #MINUTES_TABLE}, {@link #HOURS_TABLE} or {@link #DAYS_TABLE}. */
    public static String tableOf(RollupLayout.Tier tier) {
        return switch (tier) {
            case MINUTE -> MINUTES_TABLE;
            case HOUR -> HOURS_TABLE;
            case DAY -> DAYS_TABLE;
        };
    }

    /** The upsert of one record: its {@code rollup_minutes}, {@code rollup_hours} or {@code rollup_days} row. */
    public Upsert bind(Rollup rollup) {
        RollupLayout.Tier tier = RollupLayout.Tier.valueOf(rollup.getGranularity().name());
        Instant bucket = rollup.getBucketStart();
        String site = rollup.getSiteId();
        String dimension = rollup.getDimension();
        String value = rollup.getDimensionValue();
        // Microseconds, as Cassandra's own write timestamps.
        long writeTime = Math.multiplyExact(rollup.getUpdatedAt().toEpochMilli(), 1000L);

        if (tier == RollupLayout.Tier.MINUTE) {
            MinutePartition minutes = new MinutePartition(RollupLayout.minutePeriodOf(bucket),
                    RollupLayout.minuteShardOf(site, dimension, value));
            BoundStatementBuilder minuteRow = upsertMinute.boundStatementBuilder()
                    .setInstant(0, minutes.periodStart())
                    .setShort(1, minutes.shard())
                    .setString(2, site)
                    .setString(3, dimension)
                    .setInstant(4, bucket)
                    .setString(5, value);
            setValues(minuteRow, 6, rollup, writeTime);
            return new Upsert(minutes, minuteRow.build());
        }
        BucketPartition partition = new BucketPartition(tier, bucket, RollupLayout.hourDayShardOf(site, dimension, value));
        BoundStatementBuilder row = upsertBucket.get(tier).boundStatementBuilder()
                .setInstant(0, bucket)
                .setShort(1, partition.shard())
                .setString(2, site)
                .setString(3, dimension)
                .setString(4, value);
        setValues(row, 5, rollup, writeTime);
        return new Upsert(partition, row.build());
    }

    /** Binds the {@link #VALUES} columns from index {@code first} on, then the write timestamp. */
    private void setValues(BoundStatementBuilder row, int first, Rollup rollup, long writeTime) {
        row.setLong(first, rollup.getPageviews())
                .setLong(first + 1, rollup.getCustomEvents())
                .setByteBuffer(first + 2, rollup.getVisitorsSketch())
                .setDouble(first + 3, rollup.getVisitorsEstimate())
                .setLong(first + 4, rollup.getValueCount())
                .setDouble(first + 5, rollup.getValueSum())
                .setBoolean(first + 8, rollup.getFinalized())
                .setInstant(first + 9, rollup.getUpdatedAt())
                .setLong(first + 10, writeTime)
                .setConsistencyLevel(consistency)
                .setIdempotence(true);
        // Unset rather than null: min and max are absent until a value arrives, and a null would be a tombstone.
        if (rollup.getValueMin() != null) {
            row.setDouble(first + 6, rollup.getValueMin());
        }
        if (rollup.getValueMax() != null) {
            row.setDouble(first + 7, rollup.getValueMax());
        }
    }

    /** Writes upserts that all belong to one partition: one statement, or one unlogged batch. */
    public CompletionStage<AsyncResultSet> write(List<Upsert> samePartition) {
        if (samePartition.isEmpty()) {
            throw new IllegalArgumentException("nothing to write");
        }
        if (samePartition.size() == 1) {
            return session.executeAsync(samePartition.get(0).statement());
        }
        Partition partition = samePartition.get(0).partition();
        List<BoundStatement> statements = new ArrayList<>(samePartition.size());
        for (Upsert upsert : samePartition) {
            if (!upsert.partition().equals(partition)) {
                throw new IllegalArgumentException("an unlogged batch must hold one partition only, got " + partition
                        + " and " + upsert.partition());
            }
            statements.add(upsert.statement());
        }
        return session.executeAsync(BatchStatement.builder(BatchType.UNLOGGED)
                .addStatements(new ArrayList<>(statements))
                .setConsistencyLevel(consistency)
                .setIdempotence(true)
                .build());
    }

    /** The buckets of one dimension value in {@code [from, to)} of one tier, oldest first. */
    public List<StoredRollup> series(String siteId, RollupLayout.Tier tier, String dimension, String dimensionValue,
                                     Instant from, Instant to) {
        List<StoredRollup> rows = new ArrayList<>();
        if (tier == RollupLayout.Tier.MINUTE) {
            short shard = RollupLayout.minuteShardOf(siteId, dimension, dimensionValue);
            for (Map.Entry<Instant, List<Instant>> period : RollupLayout.minutesByPeriod(from, to).entrySet()) {
                collect(rows, selectMinuteSeries.bind(period.getKey(), shard, siteId, dimension, period.getValue(), dimensionValue));
            }
            return rows;
        }
        short shard = RollupLayout.hourDayShardOf(siteId, dimension, dimensionValue);
        for (Instant bucket : RollupLayout.bucketsIn(tier, from, to)) {
            collect(rows, selectBucketSeries.get(tier).bind(bucket, shard, siteId, dimension, dimensionValue));
        }
        return rows;
    }

    /** Every value of one dimension in one bucket, read from all of its shards, in no particular order. */
    public List<StoredRollup> breakdown(String siteId, RollupLayout.Tier tier, String dimension, Instant bucketStart) {
        List<StoredRollup> rows = new ArrayList<>();
        if (tier == RollupLayout.Tier.MINUTE) {
            collect(rows, selectMinuteBreakdown.bind(RollupLayout.minutePeriodOf(bucketStart), RollupLayout.ALL_MINUTE_SHARDS,
                    siteId, dimension, bucketStart));
            return rows;
        }
        collect(rows, selectBucketBreakdown.get(tier).bind(bucketStart, RollupLayout.hourDayShardsOf(siteId, dimension),
                siteId, dimension));
        return rows;
    }

    private void collect(List<StoredRollup> into, BoundStatement statement) {
        for (Row row : session.execute(statement.setConsistencyLevel(consistency))) {
            into.add(StoredRollup.from(row));
        }
    }
}

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
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The rollup tables, placed by {@link RollupLayout}: minutes in {@code rollup_minutes} (V005), hours and
 * days in {@code rollup_series} and {@code rollup_breakdown} (V003).
 *
 * <p>Writes: {@link #bind} turns one {@link Rollup} record into its upserts (one for a minute, one per
 * table for an hour or a day), each with the partition it lands in; {@link #write} sends upserts of one
 * partition as one statement or one unlogged batch. Every upsert writes absolute values with the write
 * timestamp taken from {@code Rollup.updatedAt}, so whatever order two records of one bucket arrive in
 * (retries, replays, several sink instances during a rebalance) the later emission wins, and writing the
 * same record again changes nothing. Reads: a series and a breakdown bucket of any tier, for tests and tools.
 */
public final class RollupTables {
    private static final String VALUES = "pageviews, custom_events, visitors_sketch, visitors_estimate, value_count, value_sum, "
            + "value_min, value_max, finalized, updated_at";

    public static final String MINUTES_TABLE = "rollup_minutes";
    public static final String SERIES_TABLE = "rollup_series";
    public static final String BREAKDOWN_TABLE = "rollup_breakdown";

    /** A partition of one of the tables; upserts of one partition may share an unlogged batch. */
    public sealed interface Partition permits MinutePartition, SeriesPartition, BreakdownPartition {
        /** The table the partition belongs to: {@link #MINUTES_TABLE}, {@link #SERIES_TABLE} or {@link #BREAKDOWN_TABLE}. */
        String table();
    }

    public record MinutePartition(Instant periodStart, short shard) implements Partition {
        @Override
        public String table() {
            return MINUTES_TABLE;
        }
    }

    public record SeriesPartition(String siteId, RollupLayout.Tier tier, String dimension, String dimensionValue, LocalDate period)
            implements Partition {
        @Override
        public String table() {
            return SERIES_TABLE;
        }
    }

    public record BreakdownPartition(String siteId, RollupLayout.Tier tier, String dimension, Instant bucketStart, short shard)
            implements Partition {
        @Override
        public String table() {
            return BREAKDOWN_TABLE;
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
    private final PreparedStatement upsertSeries;
    private final PreparedStatement upsertBreakdown;
    private final PreparedStatement selectMinuteSeries;
    private final PreparedStatement selectMinuteBreakdown;
    private final PreparedStatement selectSeries;
    private final PreparedStatement selectBreakdownShard;

    public RollupTables(CqlSession session, String keyspace, ConsistencyLevel consistency) {
        this.session = session;
        this.consistency = consistency;
        this.upsertMinute = session.prepare("INSERT INTO " + keyspace + ".rollup_minutes (period_start, shard, site_id, dimension, "
                + "bucket_start, dimension_value, " + VALUES + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        this.upsertSeries = session.prepare("INSERT INTO " + keyspace + ".rollup_series (site_id, granularity, dimension, "
                + "dimension_value, period, bucket_start, " + VALUES + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        this.upsertBreakdown = session.prepare("INSERT INTO " + keyspace + ".rollup_breakdown (site_id, granularity, dimension, "
                + "bucket_start, shard, dimension_value, " + VALUES + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "USING TIMESTAMP ?");
        this.selectMinuteSeries = session.prepare("SELECT dimension_value, bucket_start, " + VALUES + " FROM " + keyspace
                + ".rollup_minutes WHERE period_start = ? AND shard = ? AND site_id = ? AND dimension = ? AND bucket_start IN ? "
                + "AND dimension_value = ?");
        this.selectMinuteBreakdown = session.prepare("SELECT dimension_value, bucket_start, " + VALUES + " FROM " + keyspace
                + ".rollup_minutes WHERE period_start = ? AND shard IN ? AND site_id = ? AND dimension = ? AND bucket_start = ?");
        this.selectSeries = session.prepare("SELECT dimension_value, bucket_start, " + VALUES + " FROM " + keyspace
                + ".rollup_series WHERE site_id = ? AND granularity = ? AND dimension = ? AND dimension_value = ? AND period = ?");
        this.selectBreakdownShard = session.prepare("SELECT dimension_value, bucket_start, " + VALUES + " FROM " + keyspace
                + ".rollup_breakdown WHERE site_id = ? AND granularity = ? AND dimension = ? AND bucket_start = ? AND shard = ?");
    }

    /** The upserts of one record: its {@code rollup_minutes} row for a minute, else its series row and its breakdown row. */
    public List<Upsert> bind(Rollup rollup) {
        RollupLayout.Tier tier = RollupLayout.Tier.valueOf(rollup.getGranularity().name());
        Instant bucket = rollup.getBucketStart();
        String dimension = rollup.getDimension();
        String value = rollup.getDimensionValue();
        // Microseconds, as Cassandra's own write timestamps.
        long writeTime = Math.multiplyExact(rollup.getUpdatedAt().toEpochMilli(), 1000L);

        if (tier == RollupLayout.Tier.MINUTE) {
            MinutePartition minutes = new MinutePartition(RollupLayout.minutePeriodOf(bucket),
                    RollupLayout.minuteShardOf(rollup.getSiteId(), dimension, value));
            BoundStatementBuilder minuteRow = upsertMinute.boundStatementBuilder()
                    .setInstant(0, minutes.periodStart())
                    .setShort(1, minutes.shard())
                    .setString(2, rollup.getSiteId())
                    .setString(3, dimension)
                    .setInstant(4, bucket)
                    .setString(5, value);
            setValues(minuteRow, rollup, writeTime);
            return List.of(new Upsert(minutes, minuteRow.build()));
        }

        SeriesPartition series = new SeriesPartition(rollup.getSiteId(), tier, dimension, value, RollupLayout.periodOf(tier, bucket));
        BoundStatementBuilder seriesRow = upsertSeries.boundStatementBuilder()
                .setString(0, series.siteId())
                .setString(1, tier.name())
                .setString(2, dimension)
                .setString(3, value)
                .setLocalDate(4, series.period())
                .setInstant(5, bucket);
        setValues(seriesRow, rollup, writeTime);

        BreakdownPartition breakdown = new BreakdownPartition(rollup.getSiteId(), tier, dimension, bucket, RollupLayout.shardOf(value));
        BoundStatementBuilder breakdownRow = upsertBreakdown.boundStatementBuilder()
                .setString(0, breakdown.siteId())
                .setString(1, tier.name())
                .setString(2, dimension)
                .setInstant(3, bucket)
                .setShort(4, breakdown.shard())
                .setString(5, value);
        setValues(breakdownRow, rollup, writeTime);
        return List.of(new Upsert(series, seriesRow.build()), new Upsert(breakdown, breakdownRow.build()));
    }

    private void setValues(BoundStatementBuilder row, Rollup rollup, long writeTime) {
        row.setLong(6, rollup.getPageviews())
                .setLong(7, rollup.getCustomEvents())
                .setByteBuffer(8, rollup.getVisitorsSketch())
                .setDouble(9, rollup.getVisitorsEstimate())
                .setLong(10, rollup.getValueCount())
                .setDouble(11, rollup.getValueSum())
                .setBoolean(14, rollup.getFinalized())
                .setInstant(15, rollup.getUpdatedAt())
                .setLong(16, writeTime)
                .setConsistencyLevel(consistency)
                .setIdempotence(true);
        // Unset rather than null: min and max are absent until a value arrives, and a null would be a tombstone.
        if (rollup.getValueMin() != null) {
            row.setDouble(12, rollup.getValueMin());
        }
        if (rollup.getValueMax() != null) {
            row.setDouble(13, rollup.getValueMax());
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
        LocalDate last = null;
        for (Instant bucket = from; bucket.isBefore(to); bucket = bucket.plusMillis(tier.millis())) {
            LocalDate period = RollupLayout.periodOf(tier, bucket);
            if (!period.equals(last)) {
                for (Row row : session.execute(selectSeries.bind(siteId, tier.name(), dimension, dimensionValue, period)
                        .setConsistencyLevel(consistency))) {
                    StoredRollup stored = StoredRollup.from(row);
                    if (!stored.bucketStart().isBefore(from) && stored.bucketStart().isBefore(to)) {
                        rows.add(stored);
                    }
                }
                last = period;
            }
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
        for (short shard = 0; shard < RollupLayout.BREAKDOWN_SHARDS; shard++) {
            collect(rows, selectBreakdownShard.bind(siteId, tier.name(), dimension, bucketStart, shard));
        }
        return rows;
    }

    private void collect(List<StoredRollup> into, BoundStatement statement) {
        for (Row row : session.execute(statement.setConsistencyLevel(consistency))) {
            into.add(StoredRollup.from(row));
        }
    }
}

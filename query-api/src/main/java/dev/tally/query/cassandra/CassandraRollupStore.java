package dev.tally.query.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.query.answer.Dimension;
import dev.tally.query.answer.RollupRow;
import dev.tally.query.answer.RollupStore;
import dev.tally.query.compose.Segment;
import dev.tally.store.RollupLayout;
import dev.tally.store.RollupLayout.Tier;
import dev.tally.store.RollupTables;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;

/**
 * Reads the rollup tables where {@link RollupLayout} puts them. Minutes ({@code rollup_minutes}): a segment
 * becomes one request per ten-minute period it touches, for a series in the value's one shard
 * ({@link RollupLayout#minuteShardOf}), for a breakdown in all shards at once. Hours ({@code rollup_hours})
 * and days ({@code rollup_days}), one partition per bucket and shard: a series segment becomes one request
 * per {@value #BUCKETS_PER_REQUEST} buckets in the value's shard ({@link RollupLayout#hourDayShardOf}); a
 * breakdown one request per bucket over the dimension's shards ({@link RollupLayout#hourDayShardsOf}).
 * At most {@code maxInFlight} requests run at once, so a 90-day breakdown cannot swamp the driver's
 * connections.
 */
public final class CassandraRollupStore implements RollupStore {
    private static final String METRICS = "pageviews, custom_events, visitors_sketch, value_count, value_sum, value_min, value_max";
    private static final byte[] NO_SKETCH = new byte[0];
    private static final String MINUTES_KEY = " WHERE period_start = ? AND shard";
    /**
     * Hour or day partitions one series request reads ({@code bucket_start IN}): a UTC day of hours. The
     * coordinator reads them side by side; a 90-day hourly series is 90 requests, not 2,160.
     */
    static final int BUCKETS_PER_REQUEST = 24;

    private final CqlSession session;
    private final ConsistencyLevel consistency;
    private final Map<Tier, PreparedStatement> bucketSeries = new EnumMap<>(Tier.class);
    private final Map<Tier, PreparedStatement> bucketBreakdown = new EnumMap<>(Tier.class);
    private final PreparedStatement minuteSeries;
    private final PreparedStatement minuteBreakdown;
    private final Semaphore inFlight;

    public CassandraRollupStore(CqlSession session, String keyspace, ConsistencyLevel consistency, int maxInFlight) {
        this.session = session;
        this.consistency = consistency;
        this.inFlight = new Semaphore(maxInFlight);
        for (Tier tier : List.of(Tier.HOUR, Tier.DAY)) {
            String table = keyspace + "." + RollupTables.tableOf(tier);
            bucketSeries.put(tier, session.prepare("SELECT bucket_start, " + METRICS + " FROM " + table
                    + " WHERE bucket_start IN ? AND shard = ? AND site_id = ? AND dimension = ? AND dimension_value = ?"));
            bucketBreakdown.put(tier, session.prepare("SELECT dimension_value, " + METRICS + " FROM " + table
                    + " WHERE bucket_start = ? AND shard IN ? AND site_id = ? AND dimension = ?"));
        }
        // Several minutes of one period in one request: IN on a clustering column reads each as its own slice.
        this.minuteSeries = session.prepare("SELECT bucket_start, " + METRICS + " FROM " + keyspace + ".rollup_minutes"
                + MINUTES_KEY + " = ? AND site_id = ? AND dimension = ? AND bucket_start IN ? AND dimension_value = ?");
        this.minuteBreakdown = session.prepare("SELECT bucket_start, dimension_value, " + METRICS + " FROM " + keyspace
                + ".rollup_minutes" + MINUTES_KEY + " IN ? AND site_id = ? AND dimension = ? AND bucket_start IN ?");
    }

    @Override
    public CompletableFuture<List<RollupRow>> series(String siteId, Dimension dimension, String value, Segment segment) {
        Tier tier = segment.tier();
        List<CompletableFuture<List<RollupRow>>> parts = new ArrayList<>();
        if (tier == Tier.MINUTE) {
            short shard = RollupLayout.minuteShardOf(siteId, dimension.stored(), value);
            RollupLayout.minutesByPeriod(segment.start(), segment.end()).forEach((period, minutes) ->
                    parts.add(read(minuteSeries.bind(period, shard, siteId, dimension.stored(), minutes, value),
                            row -> toRow(row, period, row.getInstant("bucket_start"), value))));
            return concat(parts);
        }
        short shard = RollupLayout.hourDayShardOf(siteId, dimension.stored(), value);
        List<Instant> buckets = RollupLayout.bucketsIn(tier, segment.start(), segment.end());
        for (int from = 0; from < buckets.size(); from += BUCKETS_PER_REQUEST) {
            List<Instant> chunk = buckets.subList(from, Math.min(buckets.size(), from + BUCKETS_PER_REQUEST));
            parts.add(read(bucketSeries.get(tier).bind(chunk, shard, siteId, dimension.stored(), value),
                    row -> toRow(row, chunk.get(0), row.getInstant("bucket_start"), value)));
        }
        return concat(parts);
    }

    @Override
    public CompletableFuture<List<RollupRow>> breakdown(String siteId, Dimension dimension, Segment segment) {
        List<CompletableFuture<List<RollupRow>>> parts = new ArrayList<>();
        Tier tier = segment.tier();
        if (tier == Tier.MINUTE) {
            // One request per period for all of its shards and minutes (IN on the last partition key column
            // and on a clustering column): the coordinator reads them side by side.
            RollupLayout.minutesByPeriod(segment.start(), segment.end()).forEach((period, minutes) ->
                    parts.add(read(minuteBreakdown.bind(period, RollupLayout.ALL_MINUTE_SHARDS, siteId, dimension.stored(), minutes),
                            row -> toRow(row, period, row.getInstant("bucket_start"), row.getString("dimension_value")))));
            return concat(parts);
        }
        // One request per bucket for the dimension's shards, as above, instead of a round trip per shard.
        List<Short> shards = RollupLayout.hourDayShardsOf(siteId, dimension.stored());
        for (Instant bucketStart : RollupLayout.bucketsIn(tier, segment.start(), segment.end())) {
            parts.add(read(bucketBreakdown.get(tier).bind(bucketStart, shards, siteId, dimension.stored()),
                    row -> toRow(row, bucketStart, bucketStart, row.getString("dimension_value"))));
        }
        return concat(parts);
    }

    private interface RowMapper {
        RollupRow map(Row row);
    }

    /** Runs one partition read, following every page, holding one in-flight permit for its duration. */
    private CompletableFuture<List<RollupRow>> read(BoundStatement statement, RowMapper mapper) {
        inFlight.acquireUninterruptibly();
        CompletableFuture<List<RollupRow>> result = new CompletableFuture<>();
        List<RollupRow> rows = new ArrayList<>();
        session.executeAsync(statement.setConsistencyLevel(consistency).setIdempotent(true))
                .whenComplete((page, error) -> onPage(page, error, rows, mapper, result));
        return result.whenComplete((rowsRead, error) -> inFlight.release());
    }

    private void onPage(AsyncResultSet page, Throwable error, List<RollupRow> rows, RowMapper mapper, CompletableFuture<List<RollupRow>> result) {
        if (error != null) {
            result.completeExceptionally(error);
            return;
        }
        for (Row row : page.currentPage()) {
            rows.add(mapper.map(row));
        }
        if (page.hasMorePages()) {
            CompletionStage<AsyncResultSet> next = page.fetchNextPage();
            next.whenComplete((nextPage, nextError) -> onPage(nextPage, nextError, rows, mapper, result));
        } else {
            result.complete(rows);
        }
    }

    private static RollupRow toRow(Row row, Instant fallbackStart, Instant bucketStart, String value) {
        ByteBuffer sketch = row.getByteBuffer("visitors_sketch");
        byte[] sketchBytes = NO_SKETCH;
        if (sketch != null && sketch.hasRemaining()) {
            sketchBytes = new byte[sketch.remaining()];
            sketch.duplicate().get(sketchBytes);
        }
        return new RollupRow(bucketStart == null ? fallbackStart : bucketStart, value,
                row.getLong("pageviews"), row.getLong("custom_events"), sketchBytes,
                row.getLong("value_count"), row.getDouble("value_sum"),
                row.isNull("value_min") ? null : row.getDouble("value_min"),
                row.isNull("value_max") ? null : row.getDouble("value_max"));
    }

    private static CompletableFuture<List<RollupRow>> concat(List<CompletableFuture<List<RollupRow>>> parts) {
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<RollupRow> all = new ArrayList<>();
            for (CompletableFuture<List<RollupRow>> part : parts) {
                all.addAll(part.join());
            }
            return all;
        });
    }
}

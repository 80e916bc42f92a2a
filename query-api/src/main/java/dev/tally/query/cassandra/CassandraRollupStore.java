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
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;

/**
 * Reads the rollup tables where {@link RollupLayout} puts them. Minutes ({@code rollup_minutes}): a segment
 * becomes one request per ten-minute period it touches, for a series in the value's one shard
 * ({@link RollupLayout#minuteShardOf}), for a breakdown in all shards at once. Hours and days: a series
 * segment becomes one range query per {@code rollup_series} partition it touches (period from
 * {@link RollupLayout#periodOf}); a breakdown bucket one query over all of its {@code rollup_breakdown}
 * shards. At most {@code maxInFlight} requests run at once, so a 90-day breakdown cannot swamp the
 * driver's connections.
 */
public final class CassandraRollupStore implements RollupStore {
    private static final String METRICS = "pageviews, custom_events, visitors_sketch, value_count, value_sum, value_min, value_max";
    private static final byte[] NO_SKETCH = new byte[0];
    private static final String MINUTES_KEY = " WHERE period_start = ? AND shard";

    private final CqlSession session;
    private final ConsistencyLevel consistency;
    private final PreparedStatement seriesRange;
    private final PreparedStatement breakdownShards;
    private final PreparedStatement minuteSeries;
    private final PreparedStatement minuteBreakdown;
    private final Semaphore inFlight;

    public CassandraRollupStore(CqlSession session, String keyspace, ConsistencyLevel consistency, int maxInFlight) {
        this.session = session;
        this.consistency = consistency;
        this.inFlight = new Semaphore(maxInFlight);
        this.seriesRange = session.prepare("SELECT bucket_start, " + METRICS + " FROM " + keyspace + ".rollup_series"
                + " WHERE site_id = ? AND granularity = ? AND dimension = ? AND dimension_value = ? AND period = ?"
                + " AND bucket_start >= ? AND bucket_start < ?");
        this.breakdownShards = session.prepare("SELECT dimension_value, " + METRICS + " FROM " + keyspace + ".rollup_breakdown"
                + " WHERE site_id = ? AND granularity = ? AND dimension = ? AND bucket_start = ? AND shard IN ?");
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
        Instant start = segment.start();
        while (start.isBefore(segment.end())) {
            LocalDate period = RollupLayout.periodOf(tier, start);
            Instant periodEnd = nextPeriod(tier, period);
            Instant end = periodEnd.isBefore(segment.end()) ? periodEnd : segment.end();
            final Instant bucketStart = start;
            parts.add(read(seriesRange.bind(siteId, tier.name(), dimension.stored(), value, period, start, end),
                    row -> toRow(row, bucketStart, row.getInstant("bucket_start"), value)));
            start = end;
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
        // One request per bucket for its shards, as above, instead of eight round trips.
        for (long start = segment.start().toEpochMilli(); start < segment.end().toEpochMilli(); start += tier.millis()) {
            Instant bucketStart = Instant.ofEpochMilli(start);
            parts.add(read(breakdownShards.bind(siteId, tier.name(), dimension.stored(), bucketStart, RollupLayout.ALL_BREAKDOWN_SHARDS),
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

    private static Instant nextPeriod(Tier tier, LocalDate period) {
        LocalDate next = switch (tier) {
            case MINUTE -> period.plusDays(1);
            case HOUR -> period.plusMonths(1);
            case DAY -> period.plusYears(1);
        };
        return next.atStartOfDay(ZoneOffset.UTC).toInstant();
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

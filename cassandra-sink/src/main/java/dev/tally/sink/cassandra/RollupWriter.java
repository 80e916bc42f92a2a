package dev.tally.sink.cassandra;

import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.sink.SinkMetrics;
import dev.tally.sink.pipeline.Coalescer;
import dev.tally.sink.pipeline.PartitionBatches;
import dev.tally.sink.pipeline.RecordHandler;
import dev.tally.sink.pipeline.SourcePosition;
import dev.tally.sink.pipeline.WriteUnit;
import dev.tally.store.RollupTables;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Rollup records in, upserts of {@code rollup_minutes}, {@code rollup_hours} and {@code rollup_days} out.
 *
 * <p>The aggregator re-emits a bucket's growing absolute values, so records are coalesced: only the
 * latest record per bucket key is written, once per {@code flushInterval} (sooner if more than
 * {@code maxBufferedKeys} keys are waiting); the records it replaced are settled without a write
 * ({@link Coalescer}). Each written record becomes one upsert ({@link RollupTables#bind}); upserts that
 * share a partition go out as one single-partition unlogged batch. Every tier's partitions are shared by
 * all sites, so a flush of the open minutes, or of the finals of a closed hour, costs a few batches per
 * shard, not a request per site and value. A record counts as stored once its upsert is acknowledged.
 */
public final class RollupWriter implements RecordHandler {
    /** Write kinds, as in {@code tally_sink_writes_total}: the table written. */
    public static final List<String> KINDS = List.of(RollupTables.MINUTES_TABLE, RollupTables.HOURS_TABLE, RollupTables.DAYS_TABLE);
    /**
     * Single-partition batches are one mutation on the replicas and exempt from Cassandra's batch-size
     * thresholds; the bounds keep one request's work (and a retry's) small. A minute row is typically a few
     * hundred bytes (its sketch holds a minute's visitors), an hour or day row at most about 2.3 KB.
     */
    private static final int MAX_BATCH_ROWS = 1_000;
    private static final int MAX_BATCH_BYTES = 1024 * 1024;
    private static final int ROW_BYTES_BESIDES_SKETCH = 200;
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    /** The identity of a bucket: the five fields of its {@code RollupKey}. */
    private record BucketId(String siteId, Granularity granularity, String dimension, String dimensionValue, long bucketStart) {
    }

    private record Upserted(RollupTables.Upsert upsert, SourcePosition position, int bytes) {
    }

    private final Function<byte[], Rollup> decoder;
    private final Map<String, Granularity> granularityOfTopic;
    private final RollupTables tables;
    private final long flushIntervalNanos;
    private final int maxBufferedKeys;
    private final LongSupplier nanoClock;
    private final SinkMetrics metrics;
    private final Coalescer<BucketId, Rollup> buffer = new Coalescer<>();
    private long firstBufferedNanos;

    public RollupWriter(Function<byte[], Rollup> decoder, Map<String, Granularity> granularityOfTopic, RollupTables tables,
                        Duration flushInterval, int maxBufferedKeys, LongSupplier nanoClock, SinkMetrics metrics) {
        this.decoder = decoder;
        this.granularityOfTopic = Map.copyOf(granularityOfTopic);
        this.tables = tables;
        this.flushIntervalNanos = flushInterval.toNanos();
        this.maxBufferedKeys = maxBufferedKeys;
        this.nanoClock = nanoClock;
        this.metrics = metrics;
    }

    @Override
    public boolean accept(byte[] key, byte[] value, SourcePosition position) throws RejectedRecordException {
        if (value == null) {
            // A compaction tombstone deletes nothing in Cassandra: rollups are only ever replaced by later values.
            metrics.rollupTombstone();
            return false;
        }
        Rollup rollup;
        try {
            rollup = decoder.apply(value);
        } catch (RuntimeException e) {
            throw new RejectedRecordException(RawEventWriter.reason(e));
        }
        Granularity expected = granularityOfTopic.get(position.topic());
        if (expected != null && rollup.getGranularity() != expected) {
            throw new RejectedRecordException("granularity " + rollup.getGranularity() + " on topic " + position.topic());
        }
        if (rollup.getSiteId().isEmpty() || rollup.getDimension().isEmpty()) {
            throw new RejectedRecordException("rollup without site id or dimension");
        }
        // Checked here, not when the buffer is written, so that one bad record is dead-lettered alone.
        if (outsideStoredRange(rollup.getBucketStart()) || outsideStoredRange(rollup.getUpdatedAt())) {
            throw new RejectedRecordException("bucketStart or updatedAt outside the years 1970-9999");
        }
        if (buffer.isEmpty()) {
            firstBufferedNanos = nanoClock.getAsLong();
        }
        buffer.add(new BucketId(rollup.getSiteId(), rollup.getGranularity(), rollup.getDimension(), rollup.getDimensionValue(),
                rollup.getBucketStart().toEpochMilli()), rollup, position);
        return true;
    }

    private static boolean outsideStoredRange(Instant time) {
        return time.isBefore(Instant.EPOCH) || time.isAfter(LATEST);
    }

    @Override
    public List<WriteUnit> ready(long nowNanos) {
        if (buffer.isEmpty() || (nowNanos - firstBufferedNanos < flushIntervalNanos && buffer.size() < maxBufferedKeys)) {
            return List.of();
        }
        List<Upserted> upserted = new ArrayList<>();
        for (Coalescer.Entry<Rollup> entry : buffer.drain()) {
            int bytes = ROW_BYTES_BESIDES_SKETCH + entry.latest().getVisitorsSketch().remaining()
                    + entry.latest().getDimensionValue().length();
            upserted.add(new Upserted(tables.bind(entry.latest()), entry.position(), bytes));
        }
        List<WriteUnit> units = new ArrayList<>();
        for (List<Upserted> batch : PartitionBatches.group(upserted, u -> u.upsert().partition(), Upserted::bytes,
                MAX_BATCH_ROWS, MAX_BATCH_BYTES)) {
            List<RollupTables.Upsert> statements = batch.stream().map(Upserted::upsert).toList();
            List<SourcePosition> covers = batch.stream().map(Upserted::position).toList();
            String kind = statements.get(0).partition().table();
            units.add(new WriteUnit(kind, covers, statements.size(), () -> tables.write(statements)));
        }
        return units;
    }

    @Override
    public List<SourcePosition> superseded() {
        return buffer.superseded();
    }
}

package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.util.Map;
import java.util.SortedMap;

/**
 * Durable state of the merge step: the metrics of every dimension value of every open bucket of every
 * tier, the stream time up to which buckets have been closed, and each input partition's latest stream
 * time. One entry per (bucket, dimension value), so a change to a few values of a large bucket (an hour
 * with thousands of pages) reads and writes only those. The Kafka Streams adapter keeps all of it in a
 * changelogged state store, so it commits atomically with the input offsets and the output records.
 */
public interface BucketStore {
    /** The stored metrics of one value of one bucket, or null. */
    Metrics get(BucketId bucket, DimensionValue value);

    void put(BucketId bucket, DimensionValue value, Metrics metrics);

    void delete(BucketId bucket, DimensionValue value);

    /** The stored values of every bucket of {@code granularity} starting at or before {@code lastStart}, oldest first. */
    SortedMap<BucketId, Map<DimensionValue, Metrics>> startingAtOrBefore(Granularity granularity, long lastStart);

    /** Stream time at which buckets were last closed; {@link Long#MIN_VALUE} before the first time. */
    long closedAt();

    void setClosedAt(long streamTimeMs);

    /** The latest stream time each input partition reported, by partition (see {@link SourceWatermarks}). */
    Map<Integer, Long> sourceStreamTimes();

    void setSourceStreamTime(int source, long streamTimeMs);
}

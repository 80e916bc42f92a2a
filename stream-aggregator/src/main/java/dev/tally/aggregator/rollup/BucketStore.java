package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.util.List;
import java.util.Map;

/**
 * Durable state of the merge step: open buckets of every tier, which of them have unpublished changes,
 * the stream time up to which buckets have been closed, and each input partition's latest stream time. The Kafka Streams adapter keeps all of it
 * in changelogged state stores, so it commits atomically with the input offsets and the output records.
 */
public interface BucketStore {
    BucketState get(BucketId id);

    void put(BucketId id, BucketState state);

    void delete(BucketId id);

    /** Open buckets of {@code granularity} starting at or before {@code lastStart}, oldest first. */
    List<BucketId> startingAtOrBefore(Granularity granularity, long lastStart);

    void markChanged(BucketId id);

    void clearChanged(BucketId id);

    List<BucketId> changed();

    /** Stream time at which buckets were last closed; {@link Long#MIN_VALUE} before the first time. */
    long closedAt();

    void setClosedAt(long streamTimeMs);

    /** The latest stream time each input partition reported, by partition (see {@link SourceWatermarks}). */
    Map<Integer, Long> sourceStreamTimes();

    void setSourceStreamTime(int source, long streamTimeMs);
}

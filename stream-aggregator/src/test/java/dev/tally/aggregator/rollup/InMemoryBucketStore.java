package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@link BucketStore} in plain maps, for tests of the merge logic without Kafka Streams. Values are kept
 * as bytes, as a real store keeps them, so a test sees a copy and never the merger's live object.
 */
final class InMemoryBucketStore implements BucketStore {
    private final TreeMap<BucketId, Map<DimensionValue, byte[]>> buckets = new TreeMap<>(BucketId.ORDER);
    private final Map<Integer, Long> sourceStreamTimes = new HashMap<>();
    private long closedAt = Long.MIN_VALUE;
    int writes;

    @Override
    public Metrics get(BucketId bucket, DimensionValue value) {
        byte[] bytes = buckets.getOrDefault(bucket, Map.of()).get(value);
        return bytes == null ? null : Metrics.fromBytes(bytes);
    }

    @Override
    public void put(BucketId bucket, DimensionValue value, Metrics metrics) {
        buckets.computeIfAbsent(bucket, id -> new LinkedHashMap<>()).put(value, metrics.toBytes());
        writes++;
    }

    @Override
    public void delete(BucketId bucket, DimensionValue value) {
        Map<DimensionValue, byte[]> values = buckets.get(bucket);
        if (values != null) {
            values.remove(value);
            if (values.isEmpty()) {
                buckets.remove(bucket);
            }
        }
        writes++;
    }

    @Override
    public SortedMap<BucketId, Map<DimensionValue, Metrics>> startingAtOrBefore(Granularity granularity, long lastStart) {
        SortedMap<BucketId, Map<DimensionValue, Metrics>> found = new TreeMap<>(BucketId.ORDER);
        buckets.forEach((id, values) -> {
            if (id.granularity() == granularity && id.start() <= lastStart) {
                Map<DimensionValue, Metrics> decoded = new LinkedHashMap<>();
                values.forEach((value, bytes) -> decoded.put(value, Metrics.fromBytes(bytes)));
                found.put(id, decoded);
            }
        });
        return found;
    }

    /** Every stored bucket, decoded. */
    SortedMap<BucketId, Map<DimensionValue, Metrics>> all() {
        SortedMap<BucketId, Map<DimensionValue, Metrics>> all = new TreeMap<>(BucketId.ORDER);
        for (Granularity granularity : Granularity.values()) {
            all.putAll(startingAtOrBefore(granularity, Long.MAX_VALUE));
        }
        return all;
    }

    @Override
    public long closedAt() {
        return closedAt;
    }

    @Override
    public void setClosedAt(long streamTimeMs) {
        closedAt = streamTimeMs;
    }

    @Override
    public Map<Integer, Long> sourceStreamTimes() {
        return Map.copyOf(sourceStreamTimes);
    }

    @Override
    public void setSourceStreamTime(int source, long streamTimeMs) {
        sourceStreamTimes.put(source, streamTimeMs);
    }
}

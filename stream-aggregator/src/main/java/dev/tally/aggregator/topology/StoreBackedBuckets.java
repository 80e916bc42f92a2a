package dev.tally.aggregator.topology;

import dev.tally.aggregator.rollup.BucketId;
import dev.tally.aggregator.rollup.BucketStore;
import dev.tally.aggregator.rollup.Dimension;
import dev.tally.aggregator.rollup.DimensionValue;
import dev.tally.aggregator.rollup.Metrics;
import dev.tally.schemas.avro.Granularity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link BucketStore} on one changelogged Kafka Streams key-value store. A value's key is
 * {@code granularity (1 byte) | bucket start (8) | site length (4) | site | dimension ordinal (1) | value},
 * so the keys sort by tier, then start, and every bucket of a tier up to a start is one range scan.
 */
final class StoreBackedBuckets implements BucketStore {
    /** Sorts after every bucket key (those start with a granularity ordinal 0..2). */
    private static final Bytes CLOSED_AT_KEY = Bytes.wrap(new byte[] {0x7f});
    /** Prefix of the input partitions' stream times, followed by the partition number; also after every bucket. */
    private static final byte SOURCE_PREFIX = 0x7e;

    private final KeyValueStore<Bytes, byte[]> store;
    private long closedAt;
    private final Map<Integer, Long> sourceStreamTimes = new HashMap<>();

    StoreBackedBuckets(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        byte[] stored = store.get(CLOSED_AT_KEY);
        this.closedAt = stored == null ? Long.MIN_VALUE : ByteBuffer.wrap(stored).getLong();
        try (KeyValueIterator<Bytes, byte[]> sources = store.range(sourceKey(0), sourceKey(Integer.MAX_VALUE))) {
            sources.forEachRemaining(entry -> sourceStreamTimes.put(
                    ByteBuffer.wrap(entry.key.get()).getInt(1), ByteBuffer.wrap(entry.value).getLong()));
        }
    }

    private static Bytes sourceKey(int source) {
        return Bytes.wrap(ByteBuffer.allocate(1 + Integer.BYTES).put(SOURCE_PREFIX).putInt(source).array());
    }

    static Bytes key(BucketId bucket, DimensionValue value) {
        byte[] site = bucket.siteId().getBytes(StandardCharsets.UTF_8);
        byte[] text = value.value().getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES + Integer.BYTES + site.length + 1 + text.length)
                .put((byte) bucket.granularity().ordinal())
                .putLong(bucket.start())
                .putInt(site.length)
                .put(site)
                .put((byte) value.dimension().ordinal())
                .put(text)
                .array());
    }

    /** Lowest key of {@code granularity}'s buckets starting at or after {@code start} (inclusive bound). */
    private static Bytes startingFrom(Granularity granularity, long start) {
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES).put((byte) granularity.ordinal()).putLong(start).array());
    }

    @Override
    public Metrics get(BucketId bucket, DimensionValue value) {
        byte[] bytes = store.get(key(bucket, value));
        return bytes == null ? null : Metrics.fromBytes(bytes);
    }

    @Override
    public void put(BucketId bucket, DimensionValue value, Metrics metrics) {
        store.put(key(bucket, value), metrics.toBytes());
    }

    @Override
    public void delete(BucketId bucket, DimensionValue value) {
        store.delete(key(bucket, value));
    }

    @Override
    public SortedMap<BucketId, Map<DimensionValue, Metrics>> startingAtOrBefore(Granularity granularity, long lastStart) {
        SortedMap<BucketId, Map<DimensionValue, Metrics>> buckets = new TreeMap<>(BucketId.ORDER);
        if (lastStart < 0) {
            return buckets; // no bucket starts before 1970, and a negative bound would not sort below the others
        }
        // The upper bound has no site, so it sorts below every key of a bucket starting at lastStart + 1.
        try (KeyValueIterator<Bytes, byte[]> range = store.range(startingFrom(granularity, 0), startingFrom(granularity, lastStart + 1))) {
            range.forEachRemaining(entry -> {
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                Granularity tier = Granularity.values()[key.get()];
                long start = key.getLong();
                byte[] site = new byte[key.getInt()];
                key.get(site);
                Dimension dimension = Dimension.ofOrdinal(key.get());
                String text = new String(key.array(), key.position(), key.remaining(), StandardCharsets.UTF_8);
                buckets.computeIfAbsent(new BucketId(tier, start, new String(site, StandardCharsets.UTF_8)), id -> new LinkedHashMap<>())
                        .put(new DimensionValue(dimension, text), Metrics.fromBytes(entry.value));
            });
        }
        return buckets;
    }

    @Override
    public long closedAt() {
        return closedAt;
    }

    @Override
    public void setClosedAt(long streamTimeMs) {
        closedAt = streamTimeMs;
        store.put(CLOSED_AT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(streamTimeMs).array());
    }

    @Override
    public Map<Integer, Long> sourceStreamTimes() {
        return Collections.unmodifiableMap(sourceStreamTimes);
    }

    @Override
    public void setSourceStreamTime(int source, long streamTimeMs) {
        sourceStreamTimes.put(source, streamTimeMs);
        store.put(sourceKey(source), ByteBuffer.allocate(Long.BYTES).putLong(streamTimeMs).array());
    }
}

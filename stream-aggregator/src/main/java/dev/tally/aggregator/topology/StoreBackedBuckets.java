package dev.tally.aggregator.topology;

import dev.tally.aggregator.rollup.BucketId;
import dev.tally.aggregator.rollup.BucketState;
import dev.tally.aggregator.rollup.BucketStore;
import dev.tally.schemas.avro.Granularity;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** {@link BucketStore} on two changelogged Kafka Streams key-value stores. */
final class StoreBackedBuckets implements BucketStore {
    /** Sorts after every bucket key (those start with a granularity ordinal 0..2). */
    private static final Bytes CLOSED_AT_KEY = Bytes.wrap(new byte[] {0x7f});
    /** Prefix of the input partitions' stream times, followed by the partition number; also after every bucket. */
    private static final byte SOURCE_PREFIX = 0x7e;
    private static final byte[] PRESENT = new byte[0];

    private final KeyValueStore<Bytes, byte[]> buckets;
    private final KeyValueStore<Bytes, byte[]> changed;
    private long closedAt;
    private final Map<Integer, Long> sourceStreamTimes = new HashMap<>();

    StoreBackedBuckets(KeyValueStore<Bytes, byte[]> buckets, KeyValueStore<Bytes, byte[]> changed) {
        this.buckets = buckets;
        this.changed = changed;
        byte[] stored = buckets.get(CLOSED_AT_KEY);
        this.closedAt = stored == null ? Long.MIN_VALUE : ByteBuffer.wrap(stored).getLong();
        try (KeyValueIterator<Bytes, byte[]> sources = buckets.range(sourceKey(0), sourceKey(Integer.MAX_VALUE))) {
            sources.forEachRemaining(entry -> sourceStreamTimes.put(
                    ByteBuffer.wrap(entry.key.get()).getInt(1), ByteBuffer.wrap(entry.value).getLong()));
        }
    }

    private static Bytes sourceKey(int source) {
        return Bytes.wrap(ByteBuffer.allocate(1 + Integer.BYTES).put(SOURCE_PREFIX).putInt(source).array());
    }

    @Override
    public BucketState get(BucketId id) {
        byte[] bytes = buckets.get(Bytes.wrap(id.toBytes()));
        return bytes == null ? null : BucketState.fromBytes(bytes);
    }

    @Override
    public void put(BucketId id, BucketState state) {
        buckets.put(Bytes.wrap(id.toBytes()), state.toBytes());
    }

    @Override
    public void delete(BucketId id) {
        buckets.delete(Bytes.wrap(id.toBytes()));
    }

    @Override
    public List<BucketId> startingAtOrBefore(Granularity granularity, long lastStart) {
        List<BucketId> ids = new ArrayList<>();
        if (lastStart < 0) {
            return ids; // no bucket starts before 1970, and a negative bound would not sort below the others
        }
        try (KeyValueIterator<Bytes, byte[]> range = buckets.range(
                Bytes.wrap(BucketId.lowestKey(granularity)), Bytes.wrap(BucketId.keyAbove(granularity, lastStart)))) {
            range.forEachRemaining(entry -> ids.add(BucketId.fromBytes(entry.key.get())));
        }
        return ids;
    }

    @Override
    public void markChanged(BucketId id) {
        changed.put(Bytes.wrap(id.toBytes()), PRESENT);
    }

    @Override
    public void clearChanged(BucketId id) {
        changed.delete(Bytes.wrap(id.toBytes()));
    }

    @Override
    public List<BucketId> changed() {
        List<BucketId> ids = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = changed.all()) {
            all.forEachRemaining(entry -> ids.add(BucketId.fromBytes(entry.key.get())));
        }
        return ids;
    }

    @Override
    public long closedAt() {
        return closedAt;
    }

    @Override
    public void setClosedAt(long streamTimeMs) {
        closedAt = streamTimeMs;
        buckets.put(CLOSED_AT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(streamTimeMs).array());
    }

    @Override
    public Map<Integer, Long> sourceStreamTimes() {
        return Collections.unmodifiableMap(sourceStreamTimes);
    }

    @Override
    public void setSourceStreamTime(int source, long streamTimeMs) {
        sourceStreamTimes.put(source, streamTimeMs);
        buckets.put(sourceKey(source), ByteBuffer.allocate(Long.BYTES).putLong(streamTimeMs).array());
    }
}

package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** {@link BucketStore} in plain maps, for tests of the merge logic without Kafka Streams. */
final class InMemoryBucketStore implements BucketStore {
    private final TreeMap<BucketId, BucketState> buckets = new TreeMap<>(
            Comparator.comparing(BucketId::granularity).thenComparingLong(BucketId::start).thenComparing(BucketId::siteId));
    private final Set<BucketId> changed = new LinkedHashSet<>();
    private final Map<Integer, Long> sourceStreamTimes = new HashMap<>();
    private long closedAt = Long.MIN_VALUE;

    @Override
    public BucketState get(BucketId id) {
        return buckets.get(id);
    }

    @Override
    public void put(BucketId id, BucketState state) {
        buckets.put(id, state);
    }

    @Override
    public void delete(BucketId id) {
        buckets.remove(id);
    }

    @Override
    public List<BucketId> startingAtOrBefore(Granularity granularity, long lastStart) {
        List<BucketId> ids = new ArrayList<>();
        buckets.keySet().stream().filter(id -> id.granularity() == granularity && id.start() <= lastStart).forEach(ids::add);
        return ids;
    }

    @Override
    public void markChanged(BucketId id) {
        changed.add(id);
    }

    @Override
    public void clearChanged(BucketId id) {
        changed.remove(id);
    }

    @Override
    public List<BucketId> changed() {
        return new ArrayList<>(changed);
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

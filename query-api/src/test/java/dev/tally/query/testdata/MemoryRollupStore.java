package dev.tally.query.testdata;

import dev.tally.query.answer.Dimension;
import dev.tally.query.answer.RollupRow;
import dev.tally.query.answer.RollupStore;
import dev.tally.query.compose.Segment;
import dev.tally.store.RollupLayout.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** The rollup rows of a fixture in memory, for testing composition without Cassandra. */
public final class MemoryRollupStore implements RollupStore {
    private record SeriesKey(Tier tier, Dimension dimension, String value) {
    }

    private record BucketKey(Tier tier, Dimension dimension, Instant bucket) {
    }

    private final Map<SeriesKey, TreeMap<Instant, RollupRow>> series = new HashMap<>();
    private final Map<BucketKey, List<RollupRow>> buckets = new HashMap<>();

    public MemoryRollupStore(RollupFixture fixture) {
        for (RollupFixture.StoredRow stored : fixture.rows()) {
            RollupRow row = stored.row();
            series.computeIfAbsent(new SeriesKey(stored.tier(), stored.dimension(), row.dimensionValue()), k -> new TreeMap<>())
                    .put(row.bucketStart(), row);
            buckets.computeIfAbsent(new BucketKey(stored.tier(), stored.dimension(), row.bucketStart()), k -> new ArrayList<>()).add(row);
        }
    }

    @Override
    public CompletableFuture<List<RollupRow>> series(String siteId, Dimension dimension, String value, Segment segment) {
        TreeMap<Instant, RollupRow> rows = series.getOrDefault(new SeriesKey(segment.tier(), dimension, value), new TreeMap<>());
        return CompletableFuture.completedFuture(List.copyOf(rows.subMap(segment.start(), true, segment.end(), false).values()));
    }

    @Override
    public CompletableFuture<List<RollupRow>> breakdown(String siteId, Dimension dimension, Segment segment) {
        List<RollupRow> rows = new ArrayList<>();
        for (Instant bucket = segment.start(); bucket.isBefore(segment.end()); bucket = bucket.plusMillis(segment.tier().millis())) {
            rows.addAll(buckets.getOrDefault(new BucketKey(segment.tier(), dimension, bucket), List.of()));
        }
        return CompletableFuture.completedFuture(rows);
    }
}

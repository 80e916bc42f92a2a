package dev.tally.query.answer;

import dev.tally.query.compose.Segment;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where rollup rows are read from: Cassandra in production, a map in the composition tests. */
public interface RollupStore {
    /** The rows of one dimension value in the buckets of a segment, in time order. */
    CompletableFuture<List<RollupRow>> series(String siteId, Dimension dimension, String value, Segment segment);

    /** Every value of a dimension in every bucket of a segment, one row per value and bucket, in no particular order. */
    CompletableFuture<List<RollupRow>> breakdown(String siteId, Dimension dimension, Segment segment);
}

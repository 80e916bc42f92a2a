package dev.tally.query.answer;

import java.time.Instant;

/**
 * One stored rollup row as the stream aggregator computed it: the counts of one dimension value in one
 * bucket. {@code visitorsSketch} is a compact HLL sketch (empty: no visitors); {@code valueMin} and
 * {@code valueMax} are null when no event carried a value.
 */
public record RollupRow(Instant bucketStart, String dimensionValue, long pageviews, long customEvents, byte[] visitorsSketch,
                        long valueCount, double valueSum, Double valueMin, Double valueMax) {
}

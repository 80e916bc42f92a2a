package dev.tally.query.compose;

import dev.tally.store.RollupLayout.Tier;
import java.time.Instant;

/**
 * A run of consecutive buckets of one tier, {@code [start, end)}, both aligned to the tier's UTC buckets.
 * Reading it returns at most {@link #buckets()} rows per dimension value.
 */
public record Segment(Tier tier, Instant start, Instant end) {
    public Segment {
        long width = tier.millis();
        if (start.toEpochMilli() % width != 0 || end.toEpochMilli() % width != 0) {
            throw new IllegalArgumentException("segment " + start + ".." + end + " is not aligned to " + tier + " buckets");
        }
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("segment " + start + ".." + end + " is empty");
        }
    }

    public long buckets() {
        return (end.toEpochMilli() - start.toEpochMilli()) / tier.millis();
    }

    public boolean contains(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }
}

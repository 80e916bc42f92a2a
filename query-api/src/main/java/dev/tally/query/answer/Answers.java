package dev.tally.query.answer;

import dev.tally.query.compose.Intervals;
import java.time.Instant;
import java.util.List;

/** What the query service answers; every answer says how many rollup rows it read. */
public final class Answers {
    private Answers() {
    }

    /** Totals over a range; {@code bucketBound} is how many buckets the tier composition read. */
    public record Aggregate(Totals totals, long rowsRead, long bucketBound) {
    }

    public record Point(Instant start, Instant end, Totals totals) {
    }

    public record Timeseries(Intervals.Unit unit, List<Point> points, long rowsRead, long bucketBound) {
    }

    public record Entry(String value, Totals totals) {
    }

    /**
     * One page of a breakdown: {@code entries} sorted by the metric (ties by value), {@code distinctValues}
     * how many values the range has in all.
     */
    public record Breakdown(List<Entry> entries, int distinctValues, long rowsRead, long bucketsRead) {
    }
}

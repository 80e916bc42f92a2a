package dev.tally.query.answer;

import dev.tally.query.compose.Horizon;
import dev.tally.query.compose.Intervals;
import dev.tally.query.compose.Segment;
import dev.tally.query.compose.TierPlanner;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Answers aggregate, time-series and breakdown questions from rollup rows, reading each range through
 * {@link TierPlanner}: the fewest day, hour and minute rows that cover it exactly. Reads are issued all
 * at once and joined; the store bounds how many run concurrently. Each question plans against one
 * {@link Horizon}, taken when it is asked: recent hours and days come from minutes until they are complete.
 */
public final class QueryService {
    private final RollupStore store;
    private final Supplier<Horizon> horizon;

    public QueryService(RollupStore store, Supplier<Horizon> horizon) {
        this.store = store;
        this.horizon = horizon;
    }

    public Answers.Aggregate aggregate(String siteId, Instant from, Instant to, Filter filter) {
        Totals totals = new Totals();
        List<Segment> plan = TierPlanner.plan(from, to, horizon.get());
        long bound = 0;
        for (Segment segment : plan) {
            bound += segment.buckets();
        }
        for (List<RollupRow> rows : joinAll(readSeries(siteId, filter, plan))) {
            rows.forEach(totals::add);
        }
        return new Answers.Aggregate(totals, totals.rows(), bound);
    }

    public Answers.Timeseries timeseries(String siteId, Instant from, Instant to, Intervals.Unit unit, ZoneId zone, Filter filter) {
        List<Intervals.Interval> intervals = Intervals.split(from, to, unit, zone);
        TreeMap<Instant, Totals> byStart = new TreeMap<>();
        List<Segment> planned = new ArrayList<>();
        Horizon now = horizon.get();
        long bound = 0;
        for (Intervals.Interval interval : intervals) {
            byStart.put(interval.start(), new Totals());
            for (Segment segment : TierPlanner.plan(interval.start(), interval.end(), now)) {
                planned.add(segment);
                bound += segment.buckets();
            }
        }
        long rowsRead = 0;
        for (List<RollupRow> rows : joinAll(readSeries(siteId, filter, mergeAdjacent(planned)))) {
            for (RollupRow row : rows) {
                // Each bucket of the plan lies inside exactly one interval: the last one starting at or before it.
                Map.Entry<Instant, Totals> owner = byStart.floorEntry(row.bucketStart());
                if (owner != null) {
                    owner.getValue().add(row);
                }
                rowsRead++;
            }
        }
        List<Answers.Point> points = new ArrayList<>(intervals.size());
        for (Intervals.Interval interval : intervals) {
            points.add(new Answers.Point(interval.start(), interval.end(), byStart.get(interval.start())));
        }
        return new Answers.Timeseries(unit, points, rowsRead, bound);
    }

    public Answers.Breakdown breakdown(String siteId, Instant from, Instant to, Dimension dimension, Metric sort, int offset, int limit) {
        List<CompletableFuture<List<RollupRow>>> reads = new ArrayList<>();
        long buckets = 0;
        for (Segment segment : TierPlanner.plan(from, to, horizon.get())) {
            reads.add(store.breakdown(siteId, dimension, segment));
            buckets += segment.buckets();
        }
        Map<String, Totals> byValue = new HashMap<>();
        long rowsRead = 0;
        for (List<RollupRow> rows : joinAll(reads)) {
            for (RollupRow row : rows) {
                byValue.computeIfAbsent(row.dimensionValue(), value -> new Totals()).add(row);
                rowsRead++;
            }
        }
        List<Answers.Entry> sorted = new ArrayList<>(byValue.size());
        byValue.forEach((value, totals) -> sorted.add(new Answers.Entry(value, totals)));
        Comparator<Answers.Entry> byMetric = Comparator.comparingDouble(entry -> entry.totals().metric(sort));
        sorted.sort(byMetric.reversed().thenComparing(Answers.Entry::value));
        int first = Math.min(offset, sorted.size());
        int last = (int) Math.min((long) first + limit, sorted.size());
        return new Answers.Breakdown(List.copyOf(sorted.subList(first, last)), sorted.size(), rowsRead, buckets);
    }

    private List<CompletableFuture<List<RollupRow>>> readSeries(String siteId, Filter filter, List<Segment> segments) {
        List<CompletableFuture<List<RollupRow>>> reads = new ArrayList<>(segments.size());
        for (Segment segment : segments) {
            reads.add(store.series(siteId, filter.dimension(), filter.value(), segment));
        }
        return reads;
    }

    /** Joins two planned segments of one tier that touch, so a 90-day series of days is one read, not 90. */
    static List<Segment> mergeAdjacent(List<Segment> planned) {
        List<Segment> merged = new ArrayList<>();
        for (Segment segment : planned) {
            if (!merged.isEmpty()) {
                Segment last = merged.get(merged.size() - 1);
                if (last.tier() == segment.tier() && last.end().equals(segment.start())) {
                    merged.set(merged.size() - 1, new Segment(last.tier(), last.start(), segment.end()));
                    continue;
                }
            }
            merged.add(segment);
        }
        return merged;
    }

    private static List<List<RollupRow>> joinAll(List<CompletableFuture<List<RollupRow>>> reads) {
        List<List<RollupRow>> results = new ArrayList<>(reads.size());
        for (CompletableFuture<List<RollupRow>> read : reads) {
            results.add(read.join());
        }
        return results;
    }
}

package dev.tally.query.testdata;

import dev.tally.query.answer.Dimension;
import dev.tally.query.answer.RollupRow;
import dev.tally.query.answer.Totals;
import dev.tally.store.RollupLayout.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;

/**
 * Test-data builder: the minute, hour and day rollup rows of a known event set, computed the way the
 * stream aggregator does (UTC buckets, one row per tier, dimension, value and bucket; visitors as an
 * HLL_4 sketch with lgConfigK 12 of the visitor ids; bots excluded by not being in the set), plus the
 * brute-force ground truth the tests compare answers with.
 */
public final class RollupFixture {
    /** A rollup row with where it belongs. */
    public record StoredRow(Tier tier, Dimension dimension, RollupRow row) {
    }

    private record Key(Tier tier, Dimension dimension, String value, Instant bucket) {
    }

    private static final class Cell {
        long pageviews;
        long customEvents;
        long valueCount;
        double valueSum;
        Double valueMin;
        Double valueMax;
        final HllSketch sketch = new HllSketch(Totals.LG_CONFIG_K, TgtHllType.HLL_4);
    }

    private final List<TestEvent> events;
    private final List<StoredRow> rows;

    public RollupFixture(List<TestEvent> events) {
        this(events, Instant.MAX);
    }

    /**
     * Rows as the aggregator has them while minutes from {@code coarseClosedBefore} on are still open:
     * minute rows hold every event, hour and day rows only the events of minutes before it.
     */
    public RollupFixture(List<TestEvent> events, Instant coarseClosedBefore) {
        this.events = List.copyOf(events);
        Map<Key, Cell> cells = new TreeMap<>((a, b) -> {
            int c = a.tier().compareTo(b.tier());
            if (c == 0) c = a.dimension().compareTo(b.dimension());
            if (c == 0) c = a.value().compareTo(b.value());
            if (c == 0) c = a.bucket().compareTo(b.bucket());
            return c;
        });
        for (TestEvent event : events) {
            for (Tier tier : Tier.values()) {
                if (tier != Tier.MINUTE && !event.time().isBefore(coarseClosedBefore)) {
                    continue;
                }
                Instant bucket = Instant.ofEpochMilli(Math.floorDiv(event.time().toEpochMilli(), tier.millis()) * tier.millis());
                for (Map.Entry<Dimension, String> dimension : event.dimensions().entrySet()) {
                    if (dimension.getValue() == null) {
                        continue;
                    }
                    Cell cell = cells.computeIfAbsent(new Key(tier, dimension.getKey(), dimension.getValue(), bucket), k -> new Cell());
                    add(cell, event);
                }
            }
        }
        List<StoredRow> built = new ArrayList<>();
        cells.forEach((key, cell) -> built.add(new StoredRow(key.tier(), key.dimension(), new RollupRow(key.bucket(), key.value(),
                cell.pageviews, cell.customEvents, cell.sketch.isEmpty() ? new byte[0] : cell.sketch.toCompactByteArray(),
                cell.valueCount, cell.valueSum, cell.valueMin, cell.valueMax))));
        this.rows = List.copyOf(built);
    }

    private static void add(Cell cell, TestEvent event) {
        if (event.pageview()) {
            cell.pageviews++;
        } else {
            cell.customEvents++;
            if (event.value() != null) {
                cell.valueCount++;
                cell.valueSum += event.value();
                cell.valueMin = cell.valueMin == null ? event.value() : Math.min(cell.valueMin, event.value());
                cell.valueMax = cell.valueMax == null ? event.value() : Math.max(cell.valueMax, event.value());
            }
        }
        cell.sketch.update(event.visitorId());
    }

    public List<TestEvent> events() {
        return events;
    }

    public List<StoredRow> rows() {
        return rows;
    }

    /** Ground truth over {@code [from, to)} for events having {@code dimension = value}, straight from the events. */
    public Truth truth(Instant from, Instant to, Dimension dimension, String value) {
        long pageviews = 0;
        long custom = 0;
        double valueSum = 0;
        long valueCount = 0;
        Set<String> visitors = new HashSet<>();
        for (TestEvent event : events) {
            if (event.time().isBefore(from) || !event.time().isBefore(to) || !value.equals(event.dimensions().get(dimension))) {
                continue;
            }
            visitors.add(event.visitorId());
            if (event.pageview()) {
                pageviews++;
            } else {
                custom++;
                if (event.value() != null) {
                    valueCount++;
                    valueSum += event.value();
                }
            }
        }
        return new Truth(pageviews, custom, visitors.size(), valueCount, valueSum);
    }

    /** The brute-force answer from the minute rows alone: what every composed answer must equal. */
    public Totals minuteSum(Instant from, Instant to, Dimension dimension, String value) {
        Totals totals = new Totals();
        for (StoredRow stored : rows) {
            RollupRow row = stored.row();
            if (stored.tier() == Tier.MINUTE && stored.dimension() == dimension && row.dimensionValue().equals(value)
                    && !row.bucketStart().isBefore(from) && row.bucketStart().isBefore(to)) {
                totals.add(row);
            }
        }
        return totals;
    }

    public record Truth(long pageviews, long customEvents, long distinctVisitors, long valueCount, double valueSum) {
    }
}

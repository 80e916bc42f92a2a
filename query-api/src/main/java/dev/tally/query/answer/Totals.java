package dev.tally.query.answer;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;

/**
 * The sum of rollup rows: counts add up, visitors are the union of the rows' sketches (never a sum,
 * so a visitor seen in two buckets counts once), value minimum and maximum are the extremes.
 */
public final class Totals {
    /** The sketch size every writer uses (shared decision): lgConfigK = 12. */
    public static final int LG_CONFIG_K = 12;

    private long pageviews;
    private long customEvents;
    private long valueCount;
    private double valueSum;
    private Double valueMin;
    private Double valueMax;
    private Union visitors;
    private long rows;
    /** The last visitor estimate, until the next row: sorting a breakdown asks for it many times. */
    private long visitorEstimate = -1;

    public void add(RollupRow row) {
        rows++;
        visitorEstimate = -1;
        pageviews += row.pageviews();
        customEvents += row.customEvents();
        valueCount += row.valueCount();
        valueSum += row.valueSum();
        if (row.valueMin() != null) {
            valueMin = valueMin == null ? row.valueMin() : Math.min(valueMin, row.valueMin());
        }
        if (row.valueMax() != null) {
            valueMax = valueMax == null ? row.valueMax() : Math.max(valueMax, row.valueMax());
        }
        byte[] sketch = row.visitorsSketch();
        if (sketch != null && sketch.length > 0) {
            if (visitors == null) {
                visitors = new Union(LG_CONFIG_K);
            }
            visitors.update(HllSketch.heapify(sketch));
        }
    }

    public long pageviews() {
        return pageviews;
    }

    public long customEvents() {
        return customEvents;
    }

    /**
     * Distinct visitors over every row added: the estimate of the union of their sketches, rounded. The
     * composite estimator reads only the union's registers, which are the same whichever tiers a range
     * was composed from; the default (HIP) estimate depends on the merge order, so a day read from the
     * day tier and the same day summed from minutes could differ by a visitor or two.
     */
    public long visitors() {
        if (visitorEstimate < 0) {
            visitorEstimate = visitors == null ? 0 : Math.round(visitors.getCompositeEstimate());
        }
        return visitorEstimate;
    }

    public long valueCount() {
        return valueCount;
    }

    public double valueSum() {
        return valueSum;
    }

    public Double valueMin() {
        return valueMin;
    }

    public Double valueMax() {
        return valueMax;
    }

    public Double valueAverage() {
        return valueCount == 0 ? null : valueSum / valueCount;
    }

    /** How many rows were added. */
    public long rows() {
        return rows;
    }

    /** The value of a metric, for sorting and comparing. */
    public double metric(Metric metric) {
        return switch (metric) {
            case PAGEVIEWS -> pageviews;
            case VISITORS -> visitors();
            case EVENTS -> customEvents;
            case VALUE_COUNT -> valueCount;
            case VALUE_SUM -> valueSum;
        };
    }
}

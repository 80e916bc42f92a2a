package dev.tally.aggregator.rollup;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * The metrics of one bucket of one dimension value: page views, custom events, a distinct-visitor HLL
 * sketch and count/sum/min/max of the numeric value. Mutable accumulator; {@link #merge} is associative
 * and commutative, so partial results of any split of the events combine to the same totals (counts and
 * sums exactly; the sketch register by register, so a union of unions equals the union of all parts).
 *
 * <p>Sketch settings are a shared decision: lgConfigK 12, HLL_4 on output, updated with the visitorId
 * string; relative standard error about 1.6% (3.3% at two standard deviations).
 */
public final class Metrics {
    public static final int LG_CONFIG_K = 12;
    public static final TgtHllType OUTPUT_TYPE = TgtHllType.HLL_4;

    long pageviews;
    long customEvents;
    private Union visitors;
    long valueCount;
    double valueSum;
    double valueMin;
    double valueMax;

    public void add(RollupInput input) {
        if (input.pageview()) {
            pageviews++;
        } else {
            customEvents++;
        }
        visitors().update(input.visitorId());
        Double value = input.value();
        if (value != null) {
            addValue(1, value, value, value);
        }
    }

    public void merge(Metrics other) {
        pageviews += other.pageviews;
        customEvents += other.customEvents;
        if (other.visitors != null) {
            visitors().update(other.visitors.getResult(TgtHllType.HLL_8));
        }
        if (other.valueCount > 0) {
            addValue(other.valueCount, other.valueSum, other.valueMin, other.valueMax);
        }
    }

    private void addValue(long count, double sum, double min, double max) {
        valueMin = valueCount == 0 ? min : Math.min(valueMin, min);
        valueMax = valueCount == 0 ? max : Math.max(valueMax, max);
        valueCount += count;
        valueSum += sum;
    }

    private Union visitors() {
        if (visitors == null) {
            visitors = new Union(LG_CONFIG_K);
        }
        return visitors;
    }

    public long pageviews() {
        return pageviews;
    }

    public long customEvents() {
        return customEvents;
    }

    /** Page views plus custom events. */
    public long events() {
        return pageviews + customEvents;
    }

    public long valueCount() {
        return valueCount;
    }

    public double valueSum() {
        return valueSum;
    }

    /** Null when no event carried a value. */
    public Double valueMin() {
        return valueCount == 0 ? null : valueMin;
    }

    public Double valueMax() {
        return valueCount == 0 ? null : valueMax;
    }

    /** The visitor sketch as published (HLL_4, compact); null when no visitor was seen. */
    public HllSketch visitorSketch() {
        return visitors == null ? null : visitors.getResult(OUTPUT_TYPE);
    }

    public byte[] toBytes() {
        return Codec.encode(this::writeTo);
    }

    public static Metrics fromBytes(byte[] bytes) {
        return Codec.decode(bytes, Metrics::readFrom);
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeLong(pageviews);
        out.writeLong(customEvents);
        out.writeLong(valueCount);
        out.writeDouble(valueSum);
        out.writeDouble(valueMin);
        out.writeDouble(valueMax);
        byte[] sketch = visitors == null ? new byte[0] : visitors.toCompactByteArray();
        out.writeInt(sketch.length);
        out.write(sketch);
    }

    static Metrics readFrom(DataInput in) throws IOException {
        Metrics metrics = new Metrics();
        metrics.pageviews = in.readLong();
        metrics.customEvents = in.readLong();
        metrics.valueCount = in.readLong();
        metrics.valueSum = in.readDouble();
        metrics.valueMin = in.readDouble();
        metrics.valueMax = in.readDouble();
        byte[] sketch = new byte[in.readInt()];
        in.readFully(sketch);
        if (sketch.length > 0) {
            metrics.visitors = Union.heapify(sketch);
        }
        return metrics;
    }
}

package dev.tally.aggregator.rollup;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of one site in one bucket (a minute, hour or day), for every dimension value seen in it.
 * Merging is per dimension value with {@link Metrics#merge}, so a bucket built from partial buckets in any
 * grouping has the same totals.
 */
public final class BucketState {
    private final Map<DimensionValue, Metrics> metrics = new LinkedHashMap<>();

    /** Counts {@code input} under each dimension value it has. */
    public void add(RollupInput input) {
        String[] values = input.dimensionValues();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                DimensionValue key = new DimensionValue(Dimension.ofOrdinal(i), values[i]);
                metrics.computeIfAbsent(key, k -> new Metrics()).add(input);
            }
        }
    }

    /** Adds every dimension value of {@code other} into this bucket. */
    public void merge(BucketState other) {
        for (Map.Entry<DimensionValue, Metrics> entry : other.metrics.entrySet()) {
            metrics.computeIfAbsent(entry.getKey(), k -> new Metrics()).merge(entry.getValue());
        }
    }

    public Map<DimensionValue, Metrics> metrics() {
        return metrics;
    }

    public boolean isEmpty() {
        return metrics.isEmpty();
    }

    /** Events counted under {@code total}: the number of events this bucket holds. */
    public long events() {
        Metrics total = metrics.get(new DimensionValue(Dimension.TOTAL, ""));
        return total == null ? 0 : total.events();
    }

    void writeTo(DataOutput out) throws IOException {
        out.writeInt(metrics.size());
        for (Map.Entry<DimensionValue, Metrics> entry : metrics.entrySet()) {
            out.writeByte(entry.getKey().dimension().ordinal());
            Codec.writeString(out, entry.getKey().value());
            out.writeBoolean(false); // once "unpublished": kept so partials written by earlier builds still decode
            entry.getValue().writeTo(out);
        }
    }

    static BucketState readFrom(DataInput in) throws IOException {
        BucketState state = new BucketState();
        int size = in.readInt();
        for (int i = 0; i < size; i++) {
            DimensionValue key = new DimensionValue(Dimension.ofOrdinal(in.readUnsignedByte()), Codec.readString(in));
            in.readBoolean(); // see writeTo
            state.metrics.put(key, Metrics.readFrom(in));
        }
        return state;
    }
}

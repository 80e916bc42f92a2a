package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.datasketches.hll.HllSketch;

/** Builds the published Avro key and value of one bucket of one dimension value. */
public final class RollupRecords {
    private static final ByteBuffer NO_SKETCH = ByteBuffer.allocate(0);

    private RollupRecords() {}

    public static RollupKey key(BucketId bucket, DimensionValue dimensionValue) {
        return RollupKey.newBuilder()
                .setSiteId(bucket.siteId())
                .setGranularity(bucket.granularity())
                .setDimension(dimensionValue.dimension().key())
                .setDimensionValue(dimensionValue.value())
                .setBucketStart(Instant.ofEpochMilli(bucket.start()))
                .build();
    }

    public static Rollup value(BucketId bucket, DimensionValue dimensionValue, Metrics metrics, boolean finalized, Instant now) {
        HllSketch sketch = metrics.visitorSketch();
        return Rollup.newBuilder()
                .setSiteId(bucket.siteId())
                .setGranularity(bucket.granularity())
                .setDimension(dimensionValue.dimension().key())
                .setDimensionValue(dimensionValue.value())
                .setBucketStart(Instant.ofEpochMilli(bucket.start()))
                .setPageviews(metrics.pageviews())
                .setCustomEvents(metrics.customEvents())
                .setVisitorsSketch(sketch == null ? NO_SKETCH : ByteBuffer.wrap(sketch.toCompactByteArray()))
                .setVisitorsEstimate(sketch == null ? 0.0 : sketch.getEstimate())
                .setValueCount(metrics.valueCount())
                .setValueSum(metrics.valueSum())
                .setValueMin(metrics.valueMin())
                .setValueMax(metrics.valueMax())
                .setFinalized(finalized)
                .setUpdatedAt(now)
                .build();
    }

    /** Publishes every dimension value of a closed bucket with {@code finalized = true}. */
    public static void publishFinal(BucketId bucket, Map<DimensionValue, Metrics> values, Instant now, Sink sink) {
        for (Map.Entry<DimensionValue, Metrics> entry : values.entrySet()) {
            sink.publish(key(bucket, entry.getKey()), value(bucket, entry.getKey(), entry.getValue(), true, now));
        }
    }

    /** Where published records go. */
    @FunctionalInterface
    public interface Sink {
        void publish(RollupKey key, Rollup value);
    }
}

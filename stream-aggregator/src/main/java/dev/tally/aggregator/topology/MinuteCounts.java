package dev.tally.aggregator.topology;

import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.nio.ByteBuffer;
import java.time.Instant;

/** The rollup arithmetic of the {@code total} dimension: page views and custom events per bucket. */
final class MinuteCounts {
    static final String TOTAL = "total";
    private static final ByteBuffer NO_SKETCH = ByteBuffer.allocate(0);

    private MinuteCounts() {}

    static Rollup empty() {
        return Rollup.newBuilder()
                .setSiteId("")
                .setGranularity(Granularity.MINUTE)
                .setDimension(TOTAL)
                .setDimensionValue("")
                .setBucketStart(Instant.EPOCH)
                .setPageviews(0)
                .setCustomEvents(0)
                .setVisitorsSketch(NO_SKETCH)
                .setVisitorsEstimate(0)
                .setValueCount(0)
                .setValueSum(0)
                .setValueMin(null)
                .setValueMax(null)
                .setFinalized(false)
                .setUpdatedAt(Instant.EPOCH)
                .build();
    }

    static Rollup add(TrackedEvent event, Rollup rollup) {
        Rollup.Builder next = Rollup.newBuilder(rollup).setSiteId(event.getSiteId());
        if (event.getType() == EventType.PAGEVIEW) {
            next.setPageviews(rollup.getPageviews() + 1);
        } else {
            next.setCustomEvents(rollup.getCustomEvents() + 1);
        }
        Double value = event.getValue();
        if (value != null) {
            next.setValueCount(rollup.getValueCount() + 1)
                    .setValueSum(rollup.getValueSum() + value)
                    .setValueMin(rollup.getValueMin() == null ? value : Math.min(rollup.getValueMin(), value))
                    .setValueMax(rollup.getValueMax() == null ? value : Math.max(rollup.getValueMax(), value));
        }
        return next.build();
    }

    static RollupKey key(String siteId, Instant bucketStart) {
        return RollupKey.newBuilder()
                .setSiteId(siteId)
                .setGranularity(Granularity.MINUTE)
                .setDimension(TOTAL)
                .setDimensionValue("")
                .setBucketStart(bucketStart)
                .build();
    }

    static Rollup stamped(Rollup rollup, String siteId, Instant bucketStart, Instant now) {
        return Rollup.newBuilder(rollup).setSiteId(siteId).setBucketStart(bucketStart).setUpdatedAt(now).build();
    }
}

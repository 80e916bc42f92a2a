package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.EventType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What the rollups need of one accepted (non-bot, in-time) event: a fraction of an enriched event,
 * small enough to keep in the pre-aggregation write-ahead buffer.
 *
 * @param dimensionValues value per {@link Dimension} ordinal, null where the dimension does not apply
 */
public record RollupInput(String siteId, long eventTimeMs, boolean pageview, Double value, String visitorId,
                          String[] dimensionValues) {

    public static RollupInput of(EnrichedEvent event, long eventTimeMs) {
        return new RollupInput(event.getEvent().getSiteId(), eventTimeMs, event.getEvent().getType() == EventType.PAGEVIEW,
                event.getEvent().getValue(), event.getEvent().getVisitorId(), Dimension.valuesOf(event));
    }

    public void writeTo(DataOutput out) throws IOException {
        Codec.writeString(out, siteId);
        out.writeLong(eventTimeMs);
        out.writeBoolean(pageview);
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeDouble(value);
        }
        Codec.writeString(out, visitorId);
        for (String dimensionValue : dimensionValues) {
            out.writeBoolean(dimensionValue != null);
            if (dimensionValue != null) {
                Codec.writeString(out, dimensionValue);
            }
        }
    }

    public static RollupInput readFrom(DataInput in) throws IOException {
        String siteId = Codec.readString(in);
        long time = in.readLong();
        boolean pageview = in.readBoolean();
        Double value = in.readBoolean() ? in.readDouble() : null;
        String visitorId = Codec.readString(in);
        String[] values = new String[Dimension.count()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readBoolean() ? Codec.readString(in) : null;
        }
        return new RollupInput(siteId, time, pageview, value, visitorId, values);
    }
}

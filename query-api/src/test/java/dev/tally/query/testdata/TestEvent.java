package dev.tally.query.testdata;

import dev.tally.query.answer.Dimension;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * One enriched event of a known event set, as the stream aggregator would see it: a page view or a
 * custom event (with an optional value), its visitor and its dimension values (null: none).
 */
public record TestEvent(Instant time, String visitorId, boolean pageview, String eventName, Double value,
                        Map<Dimension, String> dimensions) {

    public static Builder pageview(Instant time, String visitorId, String path) {
        return new Builder(time, visitorId, true, null, null).with(Dimension.PAGE, path);
    }

    public static Builder custom(Instant time, String visitorId, String path, String name, Double value) {
        return new Builder(time, visitorId, false, name, value).with(Dimension.PAGE, path).with(Dimension.EVENT_NAME, name);
    }

    public static final class Builder {
        private final Instant time;
        private final String visitorId;
        private final boolean pageview;
        private final String eventName;
        private final Double value;
        private final Map<Dimension, String> dimensions = new EnumMap<>(Dimension.class);

        private Builder(Instant time, String visitorId, boolean pageview, String eventName, Double value) {
            this.time = time;
            this.visitorId = visitorId;
            this.pageview = pageview;
            this.eventName = eventName;
            this.value = value;
            dimensions.put(Dimension.TOTAL, "");
        }

        /** Sets a dimension value; null means the event has none (no referrer, for example). */
        public Builder with(Dimension dimension, String value) {
            if (value == null) {
                dimensions.remove(dimension);
            } else {
                dimensions.put(dimension, value);
            }
            return this;
        }

        public TestEvent build() {
            return new TestEvent(time, visitorId, pageview, eventName, value, Map.copyOf(dimensions));
        }
    }
}

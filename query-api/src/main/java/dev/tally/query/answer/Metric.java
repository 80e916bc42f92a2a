package dev.tally.query.answer;

import java.util.Locale;
import java.util.Optional;

/** What a breakdown can be sorted by, as named in the API ({@code sort=visitors}). */
public enum Metric {
    PAGEVIEWS, VISITORS, EVENTS, VALUE_COUNT, VALUE_SUM;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Metric> parse(String text) {
        for (Metric metric : values()) {
            if (metric.apiName().equals(text)) {
                return Optional.of(metric);
            }
        }
        return Optional.empty();
    }
}

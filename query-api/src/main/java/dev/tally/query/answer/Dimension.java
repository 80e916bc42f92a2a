package dev.tally.query.answer;

import java.util.Optional;

/**
 * The rollup dimensions (shared decision), as stored in the {@code dimension} column and named in the
 * API. {@code total} has the single value "" and holds the site's totals.
 */
public enum Dimension {
    TOTAL("total"), PAGE("page"), REFERRER_HOST("referrer_host"), CHANNEL("channel"), UTM_SOURCE("utm_source"),
    UTM_CAMPAIGN("utm_campaign"), EVENT_NAME("event_name"), BROWSER("browser"), OS("os"), DEVICE("device");

    private final String stored;

    Dimension(String stored) {
        this.stored = stored;
    }

    public String stored() {
        return stored;
    }

    public static Optional<Dimension> parse(String text) {
        for (Dimension dimension : values()) {
            if (dimension.stored.equals(text)) {
                return Optional.of(dimension);
            }
        }
        return Optional.empty();
    }
}

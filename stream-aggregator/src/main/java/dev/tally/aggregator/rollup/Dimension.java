package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.EventType;

/**
 * The breakdowns every rollup is computed for ({@code RollupKey.dimension}), and how an enriched event
 * maps to each. An event without a value for a dimension (no referrer, no utm_source, a page view for
 * {@code event_name}) is simply not counted under it; {@code total} counts every event.
 */
public enum Dimension {
    TOTAL("total"),
    PAGE("page"),
    REFERRER_HOST("referrer_host"),
    CHANNEL("channel"),
    UTM_SOURCE("utm_source"),
    UTM_CAMPAIGN("utm_campaign"),
    EVENT_NAME("event_name"),
    BROWSER("browser"),
    OS("os"),
    DEVICE("device");

    private static final Dimension[] ALL = values();

    private final String key;

    Dimension(String key) {
        this.key = key;
    }

    /** The name used in {@code RollupKey.dimension} and the Cassandra tables. */
    public String key() {
        return key;
    }

    public static Dimension ofOrdinal(int ordinal) {
        return ALL[ordinal];
    }

    /** The value of each dimension for {@code event}, indexed by ordinal; null where it does not apply. */
    public static String[] valuesOf(EnrichedEvent event) {
        boolean custom = event.getEvent().getType() == EventType.CUSTOM;
        return valuesOf(event.getPath(), event.getReferrerHost(), event.getChannel(), event.getUtmSource(), event.getUtmCampaign(),
                custom ? event.getEvent().getName() : null, event.getBrowser(), event.getOs(), event.getDeviceType());
    }

    /**
     * The same from the enriched fields one by one, as a stored raw event has them; {@code customEventName}
     * is null for a page view: page views are counted by total and page, event_name is the breakdown of
     * custom events (goals).
     */
    public static String[] valuesOf(String path, String referrerHost, String channel, String utmSource, String utmCampaign,
                                    String customEventName, String browser, String os, String device) {
        String[] values = new String[ALL.length];
        values[TOTAL.ordinal()] = "";
        values[PAGE.ordinal()] = path;
        values[REFERRER_HOST.ordinal()] = referrerHost;
        values[CHANNEL.ordinal()] = channel;
        values[UTM_SOURCE.ordinal()] = utmSource;
        values[UTM_CAMPAIGN.ordinal()] = utmCampaign;
        values[EVENT_NAME.ordinal()] = customEventName;
        values[BROWSER.ordinal()] = browser;
        values[OS.ordinal()] = os;
        values[DEVICE.ordinal()] = device;
        return values;
    }

    public static int count() {
        return ALL.length;
    }
}

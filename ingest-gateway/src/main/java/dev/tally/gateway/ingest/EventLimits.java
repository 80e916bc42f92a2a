package dev.tally.gateway.ingest;

/** Bounds on what a visitor can make the gateway store. */
public final class EventLimits {
    public static final int MAX_URL_LENGTH = 2048;
    /** Longer referrers and titles are cut, not rejected: real pages have them. */
    public static final int MAX_REFERRER_LENGTH = 2048;
    public static final int MAX_TITLE_LENGTH = 512;
    public static final int MAX_NAME_LENGTH = 120;
    public static final int MAX_PROPS = 30;
    public static final int MAX_PROP_KEY_LENGTH = 64;
    public static final int MAX_PROP_VALUE_LENGTH = 512;
    /** ISO 4217 codes: three upper-case letters. */
    public static final int CURRENCY_CODE_LENGTH = 3;
    public static final double MAX_ABS_VALUE = 1e12;
    public static final int MAX_SCREEN_WIDTH = 100_000;

    private EventLimits() {}
}

package dev.tally.gateway.ingest;

/** Bounds on what a visitor can make the gateway store. */
public final class EventLimits {
    public static final int MAX_URL_LENGTH = 2048;
    public static final int MAX_SITE_ID_LENGTH = 64;

    private EventLimits() {}
}

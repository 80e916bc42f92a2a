package dev.tally.sink.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;

/**
 * The TTL of a raw event row: what is left of its site's retention, counted from the event's time
 * (not from the write), so a replay or a late write expires the row when a timely write would have.
 */
public final class Retention {
    /** Cassandra refuses TTLs above 20 years. */
    public static final int MAX_TTL_SECONDS = 20 * 365 * 24 * 60 * 60;

    private Retention() {
    }

    /** Seconds the row should live from {@code now}; empty if the event is already past its retention. */
    public static OptionalInt ttlSeconds(int retentionDays, Instant eventTime, Instant now) {
        long retention = Duration.ofDays(retentionDays).toSeconds();
        long age = Math.max(0, Duration.between(eventTime, now).toSeconds());
        long left = retention - age;
        if (left <= 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.min(left, MAX_TTL_SECONDS));
    }
}

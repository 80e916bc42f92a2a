package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.time.Duration;

/** UTC-aligned bucket arithmetic for the three tiers. */
public final class Buckets {
    public static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();
    public static final long HOUR_MS = Duration.ofHours(1).toMillis();
    public static final long DAY_MS = Duration.ofDays(1).toMillis();

    private Buckets() {}

    public static long width(Granularity granularity) {
        return switch (granularity) {
            case MINUTE -> MINUTE_MS;
            case HOUR -> HOUR_MS;
            case DAY -> DAY_MS;
        };
    }

    /** Start of the bucket holding {@code timeMs}; floor division so times before 1970 work too. */
    public static long start(Granularity granularity, long timeMs) {
        long width = width(granularity);
        return Math.floorDiv(timeMs, width) * width;
    }

    /**
     * Whether the bucket starting at {@code bucketStart} is closed at stream time {@code streamTimeMs}:
     * its end plus the grace period has been reached, so nothing more may enter it.
     */
    public static boolean isClosed(Granularity granularity, long bucketStart, long graceMs, long streamTimeMs) {
        return bucketStart + width(granularity) + graceMs <= streamTimeMs;
    }
}

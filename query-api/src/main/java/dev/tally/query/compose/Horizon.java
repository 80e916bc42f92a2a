package dev.tally.query.compose;

import java.time.Duration;
import java.time.Instant;

/**
 * How far the rollup tiers can answer at the moment of a query.
 *
 * <p>The aggregator publishes an hour or day row once, when it closes (its end plus the aggregator's
 * grace period), while open minutes are re-published every commit interval. So an hour or day row exists
 * only some time after it ends: buckets ending after {@code settledBeforeMs} are read from the minute
 * tier instead. Nothing is stored after {@code dataEndMs} (events carry gateway
 * receive times, or client times within the gateway's bounded skew), so no bucket after it is read.
 */
public record Horizon(long settledBeforeMs, long dataEndMs) {
    /** For data that is entirely in the past: every tier is complete. */
    public static final Horizon EVERYTHING_SETTLED = new Horizon(Long.MAX_VALUE, Long.MAX_VALUE);

    /** Client timestamps may run ahead of the gateway's clock by its skew allowance; this covers it with room. */
    static final Duration FUTURE_ALLOWANCE = Duration.ofMinutes(15);

    public static Horizon at(Instant now, Duration settleTime) {
        return new Horizon(now.minus(settleTime).toEpochMilli(), now.plus(FUTURE_ALLOWANCE).toEpochMilli());
    }
}

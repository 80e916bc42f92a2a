package dev.tally.query.answer;

import java.time.Instant;

/**
 * A minute-aligned range {@code [from, to)} of UTC instants, with the period before it for comparison
 * (same length, or the same number of site-local days for day-based periods).
 */
public record TimeRange(Instant from, Instant to, Instant previousFrom, Instant previousTo) {
    public TimeRange {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("range ends before it starts");
        }
    }

    public TimeRange previous() {
        return new TimeRange(previousFrom, previousTo, previousFrom.minus(java.time.Duration.between(previousFrom, previousTo)), previousFrom);
    }
}

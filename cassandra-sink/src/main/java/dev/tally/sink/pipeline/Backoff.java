package dev.tally.sink.pipeline;

import java.time.Duration;

/**
 * Exponential backoff after consecutive failures: the first retry waits {@code initial}, each further
 * failure doubles the wait up to {@code max}; a success starts over.
 */
public final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private int consecutiveFailures;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** Records a failure and returns how long to wait before the next attempt. */
    public Duration failed() {
        consecutiveFailures++;
        long delay = initialNanos;
        for (int i = 1; i < consecutiveFailures && delay < maxNanos; i++) {
            delay *= 2;
        }
        return Duration.ofNanos(Math.min(delay, maxNanos));
    }

    public void succeeded() {
        consecutiveFailures = 0;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }
}

package dev.tally.gateway.ingest;

import java.time.LocalDate;

/** The secret salt of a UTC day, the same on every gateway instance. */
public interface DailySalts {
    /** The salt of {@code day}; fails if it cannot be had (the event is then answered 503 and retried). */
    byte[] saltFor(LocalDate day);
}

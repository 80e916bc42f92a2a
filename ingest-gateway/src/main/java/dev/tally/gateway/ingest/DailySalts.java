package dev.tally.gateway.ingest;

import java.time.LocalDate;

/** The secret salt of a UTC day, the same on every gateway instance. */
public interface DailySalts {
    /**
     * The salt of {@code day}, from memory: request handling runs on IO threads and must never wait on
     * a database. Throws {@link SaltUnavailableException} when the day's salt has not been agreed yet
     * (the event is then answered 503 and retried by the tracker).
     */
    byte[] saltFor(LocalDate day);

    /** The day's salt is not known yet: nothing is wrong with the request, the gateway cannot identify visitors now. */
    final class SaltUnavailableException extends RuntimeException {
        public SaltUnavailableException(LocalDate day) {
            super("the visitor salt of " + day + " is not agreed yet", null, false, false);
        }
    }
}

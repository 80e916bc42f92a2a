package dev.tally.common;

import java.util.Map;

/** A started Tally service: what the launcher prints and stops. */
public interface RunningService extends AutoCloseable {
    /** The service's name, for example {@code ingest-gateway}. */
    String name();

    /** Where it listens, by purpose, for example {@code http -> http://127.0.0.1:8080}. */
    Map<String, String> endpoints();

    /** Stops the service; it must not throw and must be safe to call twice. */
    @Override
    void close();
}

package dev.tally.gateway.ingest;

import dev.tally.schemas.avro.TrackedEvent;
import java.util.concurrent.CompletionStage;

/**
 * Where accepted events go. The stage completes only once the event is durably stored (for Kafka:
 * acknowledged by all in-sync replicas), and fails if it could not be.
 */
public interface EventPublisher extends AutoCloseable {
    CompletionStage<Void> publish(TrackedEvent event);

    /**
     * True when {@link #publish} is known not to block the calling thread right now, so it may be
     * called on an IO thread; false (the safe default) sends callers to a worker thread first.
     */
    default boolean publishesWithoutBlocking() {
        return false;
    }

    @Override
    void close();
}

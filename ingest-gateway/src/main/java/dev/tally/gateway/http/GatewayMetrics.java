package dev.tally.gateway.http;

import dev.tally.gateway.ingest.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's counters, created up front (or once per status code) so the hot path only increments:
 * {@code tally_gateway_requests_total{endpoint,status}}, {@code tally_gateway_events_accepted_total{endpoint}},
 * {@code tally_gateway_events_ignored_total{endpoint}} and {@code tally_gateway_events_rejected_total{endpoint,reason}}.
 */
final class GatewayMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayMetrics.class);

    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final MeterRegistry registry;
    private final AtomicLong notStoredSinceLog = new AtomicLong();
    private final AtomicLong lastNotStoredLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private final Map<Endpoint, Counter> accepted = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Counter> ignored = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Map<Rejection, Counter>> rejected = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Map<Integer, Counter>> requests = new EnumMap<>(Endpoint.class);

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Endpoint endpoint : Endpoint.values()) {
            requests.put(endpoint, new ConcurrentHashMap<>());
            accepted.put(endpoint, Counter.builder("tally_gateway_events_accepted")
                    .description("Events acknowledged by Kafka")
                    .tag("endpoint", endpoint.label())
                    .register(registry));
            ignored.put(endpoint, Counter.builder("tally_gateway_events_ignored")
                    .description("Events accepted but not stored because Tally does not use them (engagement)")
                    .tag("endpoint", endpoint.label())
                    .register(registry));
            Map<Rejection, Counter> byReason = new EnumMap<>(Rejection.class);
            for (Rejection reason : Rejection.values()) {
                byReason.put(reason, Counter.builder("tally_gateway_events_rejected")
                        .description("Events not stored, by reason")
                        .tag("endpoint", endpoint.label())
                        .tag("reason", reason.code())
                        .register(registry));
            }
            rejected.put(endpoint, byReason);
        }
    }

    void request(Endpoint endpoint, int status) {
        requests.get(endpoint).computeIfAbsent(status, code -> Counter.builder("tally_gateway_requests")
                .description("HTTP requests by endpoint and response status")
                .tag("endpoint", endpoint.label())
                .tag("status", Integer.toString(code))
                .register(registry)).increment();
    }

    void accepted(Endpoint endpoint) {
        accepted.get(endpoint).increment();
    }

    void ignored(Endpoint endpoint) {
        ignored.get(endpoint).increment();
    }

    void rejected(Endpoint endpoint, Rejection reason) {
        rejected.get(endpoint).get(reason).increment();
    }

    /** Counts an event that was not stored; logs at most once per {@link #LOG_EVERY_NANOS}, with the count since. */
    void notStored(Endpoint endpoint, Throwable error) {
        rejected(endpoint, Rejection.KAFKA_UNAVAILABLE);
        long failures = notStoredSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastNotStoredLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastNotStoredLog.compareAndSet(last, now)) {
            notStoredSinceLog.addAndGet(-failures);
            LOG.warn("{} event(s) could not be stored in the last period ({}); clients were told to retry. Check the Kafka brokers (and Cassandra, if the error names the visitor salt).",
                    failures, error.toString());
        }
    }
}

package dev.tally.query.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The query API's own meters: requests by endpoint and status, rejected requests by the parameter (or
 * auth failure) that caused them, rows read and latency by endpoint.
 */
final class QueryMetrics {
    private final MeterRegistry registry;

    QueryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void answered(String endpoint, int status, long rowsRead, Duration took) {
        Counter.builder("tally_query_requests").tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .description("Query API requests by endpoint and HTTP status").register(registry).increment();
        if (status == 200) {
            DistributionSummary.builder("tally_query_rows_read").tag("endpoint", endpoint)
                    .description("Rollup (or raw event) rows read per answer").register(registry).record(rowsRead);
            Timer.builder("tally_query_latency").tag("endpoint", endpoint).publishPercentiles(0.5, 0.99)
                    .description("Time to answer, from request to last byte").register(registry).record(took);
        }
    }

    /** A request refused with a 4xx: {@code reason} is the bad parameter, {@code unauthorized} or {@code unknown_site}. */
    void rejected(String endpoint, String reason) {
        Counter.builder("tally_query_rejected").tag("endpoint", endpoint).tag("reason", reason)
                .description("Requests answered with a 4xx, by the parameter or check that failed").register(registry).increment();
    }
}

package dev.tally.common.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.util.List;

/**
 * The operational endpoints every Tally service answers:
 * <ul>
 *   <li>{@code GET /healthz}: 200 while the process is up (liveness);
 *   <li>{@code GET /readyz}: 200 when every readiness check passes, else 503, one line per check;
 *   <li>{@code GET /metrics}: Prometheus text exposition of the service's registry.
 * </ul>
 * Services with an HTTP port of their own mount these on it; the others run an {@link AdminServer}.
 */
public final class AdminEndpoints {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final List<ReadinessCheck> checks;
    private final PrometheusMeterRegistry registry;

    public AdminEndpoints(List<ReadinessCheck> checks, PrometheusMeterRegistry registry) {
        this.checks = List.copyOf(checks);
        this.registry = registry;
    }

    /** Adds the three endpoints (GET and HEAD) to a routing handler. */
    public RoutingHandler addTo(RoutingHandler routes) {
        for (String method : List.of("GET", "HEAD")) {
            routes.add(method, "/healthz", this::health);
            routes.add(method, "/readyz", this::ready);
            routes.add(method, "/metrics", this::metrics);
        }
        return routes;
    }

    public HttpHandler handler() {
        return addTo(new RoutingHandler()).setFallbackHandler(AdminEndpoints::notFound);
    }

    private void health(HttpServerExchange exchange) {
        plain(exchange, StatusCodes.OK, "ok\n");
    }

    private void ready(HttpServerExchange exchange) {
        StringBuilder body = new StringBuilder();
        boolean allReady = true;
        for (ReadinessCheck check : checks) {
            Readiness result;
            try {
                result = check.check();
            } catch (RuntimeException e) {
                result = Readiness.notReady("check failed: " + e.getClass().getSimpleName());
            }
            allReady &= result.ready();
            body.append(result.ready() ? "ok   " : "FAIL ").append(check.name()).append(": ").append(result.detail()).append('\n');
        }
        plain(exchange, allReady ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body.toString());
    }

    private void metrics(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, PROMETHEUS_TEXT);
        exchange.getResponseSender().send(registry.scrape());
    }

    static void notFound(HttpServerExchange exchange) {
        plain(exchange, StatusCodes.NOT_FOUND, "not found\n");
    }

    private static void plain(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(body);
    }
}

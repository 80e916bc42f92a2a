package dev.tally.gateway.http;

import dev.tally.common.http.AdminEndpoints;
import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.time.Clock;

/** Wires the gateway's HTTP routes; the only place that knows every path. */
public final class GatewayRoutes {
    private GatewayRoutes() {}

    public static HttpHandler build(EventFactory events, EventPublisher publisher, AdminEndpoints admin,
                                    MeterRegistry registry, Clock clock) {
        GatewayMetrics metrics = new GatewayMetrics(registry);
        PixelHandler pixel = new PixelHandler(events, publisher, metrics, clock);
        RoutingHandler routes = new RoutingHandler()
                .get("/a.gif", pixel)
                .setFallbackHandler(exchange -> {
                    exchange.setStatusCode(StatusCodes.NOT_FOUND);
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                    exchange.getResponseSender().send("not found\n");
                })
                .setInvalidMethodHandler(exchange -> {
                    exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                    exchange.getResponseSender().send("method not allowed\n");
                });
        return admin.addTo(routes);
    }
}

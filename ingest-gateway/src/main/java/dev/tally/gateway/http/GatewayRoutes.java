package dev.tally.gateway.http;

import dev.tally.common.http.AdminEndpoints;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.ingest.ClientAddresses;
import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.EventPublisher;
import dev.tally.gateway.ingest.SiteDirectory;
import dev.tally.gateway.tracker.TrackerScript;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.time.Clock;

/** Wires the gateway's HTTP routes; the only place that knows every path (the public ones are configurable). */
public final class GatewayRoutes {
    private GatewayRoutes() {}

    public static HttpHandler build(GatewayConfig config, EventFactory events, EventPublisher publisher, SiteDirectory sites,
                                    AdminEndpoints admin, MeterRegistry registry, Clock clock) {
        GatewayMetrics metrics = new GatewayMetrics(registry);
        RequestInfos requests = new RequestInfos(new ClientAddresses(config.trustedProxies()), config.cookieName(),
                config.cookieMaxAge(), clock);
        HttpHandler pixel = counted(Endpoint.PIXEL, metrics, new PixelHandler(events, publisher, metrics, requests));
        HttpHandler eventsApi = counted(Endpoint.EVENTS, metrics, new EventsHandler(events, publisher, metrics, requests,
                new Cors(sites), config.maxBodyBytes(), config.maxBatchEvents()));
        HttpHandler script = counted(Endpoint.SCRIPT, metrics,
                new ScriptHandler(TrackerScript.load(config.eventsPath(), config.pixelPath())));
        RoutingHandler routes = new RoutingHandler()
                .get(config.pixelPath(), pixel)
                .post(config.eventsPath(), eventsApi)
                .add(Methods.OPTIONS, config.eventsPath(), eventsApi)
                .get(config.scriptPath(), script)
                .add(Methods.HEAD, config.scriptPath(), script)
                .setFallbackHandler(exchange -> plain(exchange, StatusCodes.NOT_FOUND, "not found\n"))
                .setInvalidMethodHandler(exchange -> plain(exchange, StatusCodes.METHOD_NOT_ALLOWED, "method not allowed\n"));
        return admin.addTo(routes);
    }

    /** Counts every answered request by endpoint and status, whatever path it took. */
    private static HttpHandler counted(Endpoint endpoint, GatewayMetrics metrics, HttpHandler next) {
        return exchange -> {
            exchange.addExchangeCompleteListener((ex, nextListener) -> {
                metrics.request(endpoint, ex.getStatusCode());
                nextListener.proceed();
            });
            next.handleRequest(exchange);
        };
    }

    private static void plain(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(body);
    }
}

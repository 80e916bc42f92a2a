package dev.tally.query.http;

import dev.tally.common.http.AdminEndpoints;
import dev.tally.query.answer.QueryService;
import dev.tally.query.answer.SiteLookup;
import dev.tally.query.export.RawEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Every route of the query API's port: the JSON API, the dashboard and the admin endpoints. */
public final class QueryRoutes {
    private QueryRoutes() {
    }

    public static HttpHandler build(QueryService service, RawEventSource rawEvents, SiteLookup sites, Clock clock,
                                    MeterRegistry registry, AdminEndpoints admin, List<String> corsOrigins) {
        Api api = new Api(service, rawEvents, sites, clock, new QueryMetrics(registry), new Cors(corsOrigins));
        RoutingHandler routes = new RoutingHandler();
        Map<String, HttpHandler> endpoints = Map.of(
                "/api/v1/aggregate", api.aggregate(),
                "/api/v1/timeseries", api.timeseries(),
                "/api/v1/breakdown", api.breakdown(),
                "/api/v1/realtime", api.realtime(),
                "/api/v1/export", api.export());
        endpoints.forEach((path, handler) -> {
            routes.get(path, handler);
            routes.add("OPTIONS", path, api.preflight());
        });
        StaticAssets assets = new StaticAssets();
        for (String path : assets.paths()) {
            routes.get(path, assets.handler(path));
        }
        admin.addTo(routes);
        routes.setFallbackHandler(exchange -> {
            exchange.setStatusCode(404);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
            exchange.getResponseSender().send("{\"error\":\"not found\"}");
        });
        routes.setInvalidMethodHandler(exchange -> {
            exchange.setStatusCode(405);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
            exchange.getResponseSender().send("{\"error\":\"method not allowed\"}");
        });
        return routes;
    }
}

package dev.tally.query.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.List;
import java.util.Set;

/**
 * CORS for the API, so a dashboard served from another origin can call it. Site keys travel in the
 * {@code Authorization} header, never in cookies, so allowing an origin grants it nothing a key does
 * not: credentials are never allowed. {@code *} in the configured list allows every origin.
 */
final class Cors {
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");

    private final boolean anyOrigin;
    private final Set<String> origins;

    Cors(List<String> allowedOrigins) {
        this.anyOrigin = allowedOrigins.contains("*");
        this.origins = Set.copyOf(allowedOrigins);
    }

    /** Adds the CORS headers when the request's origin is allowed. */
    void allow(HttpServerExchange exchange) {
        exchange.getResponseHeaders().add(Headers.VARY, "Origin");
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin == null || !(anyOrigin || origins.contains(origin))) {
            return;
        }
        exchange.getResponseHeaders().put(ALLOW_ORIGIN, anyOrigin ? "*" : origin);
        exchange.getResponseHeaders().put(EXPOSE_HEADERS, "X-Tally-Rows-Read, X-Tally-Partitions, Content-Disposition");
    }

    void preflight(HttpServerExchange exchange) {
        allow(exchange);
        if (exchange.getResponseHeaders().contains(ALLOW_ORIGIN)) {
            exchange.getResponseHeaders().put(ALLOW_METHODS, "GET, OPTIONS");
            exchange.getResponseHeaders().put(ALLOW_HEADERS, "Authorization, X-Tally-Site-Key");
            exchange.getResponseHeaders().put(MAX_AGE, "86400");
        }
        exchange.setStatusCode(204);
        exchange.endExchange();
    }
}

package dev.tally.gateway.http;

import dev.tally.gateway.ingest.SiteDirectory;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.URI;
import java.util.Locale;

/**
 * CORS for the events API: the response names the page's origin only when a registered site allows
 * its host, so browsers let the tracker read answers (and retry on 503) from registered sites only.
 * Set on every status, errors included.
 */
final class Cors {
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_CREDENTIALS = new HttpString("Access-Control-Allow-Credentials");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");

    private final SiteDirectory sites;

    Cors(SiteDirectory sites) {
        this.sites = sites;
    }

    /** Adds the CORS headers if the request's origin belongs to a registered site; true if it did. */
    boolean allow(HttpServerExchange exchange) {
        exchange.getResponseHeaders().add(Headers.VARY, "Origin");
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin == null || !sites.anyAllowsHost(hostOf(origin))) {
            return false;
        }
        exchange.getResponseHeaders().put(ALLOW_ORIGIN, origin);
        // Cookie-mode sites need the browser to send and keep the visitor cookie.
        exchange.getResponseHeaders().put(ALLOW_CREDENTIALS, "true");
        return true;
    }

    /** Answers a preflight: 204, with the allowances only for registered origins. */
    void preflight(HttpServerExchange exchange) {
        if (allow(exchange)) {
            exchange.getResponseHeaders().put(ALLOW_METHODS, "POST, OPTIONS");
            exchange.getResponseHeaders().put(ALLOW_HEADERS, "Content-Type, Authorization, X-Tally-Site-Key");
            exchange.getResponseHeaders().put(MAX_AGE, "86400");
        }
        exchange.setStatusCode(204);
        exchange.endExchange();
    }

    static String hostOf(String origin) {
        try {
            String host = URI.create(origin).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}

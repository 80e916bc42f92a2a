package dev.tally.gateway.http;

import dev.tally.gateway.tracker.TrackerScript;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;

/**
 * {@code GET} and {@code HEAD /a.js}: the tracker script, from bytes built once at start-up. Clients
 * that accept gzip get the precompressed form; each form has its own strong ETag, and an
 * {@code If-None-Match} naming it (weak or strong, alone, in a list, or {@code *}) is answered 304.
 * Cached for an hour, then served stale for up to a day while the cache revalidates.
 *
 * <p>Runs on the IO thread: it only reads headers and writes a constant buffer.
 */
public final class ScriptHandler implements HttpHandler {
    private static final String CONTENT_TYPE = "application/javascript; charset=utf-8";
    private static final String CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400";
    private static final String ALLOWED_METHODS = "GET, HEAD";
    // A page that sets Cross-Origin-Embedder-Policy: require-corp loads no cross-origin script without it.
    private static final HttpString CROSS_ORIGIN_RESOURCE_POLICY = new HttpString("Cross-Origin-Resource-Policy");
    private static final HttpString CONTENT_TYPE_OPTIONS = new HttpString("X-Content-Type-Options");

    // What an Accept-Encoding line says about gzip; across lines the highest (most specific) wins.
    private static final int NOT_MENTIONED = 0;
    private static final int WILDCARD_ACCEPTABLE = 1;
    private static final int WILDCARD_REFUSED = 2;
    private static final int ACCEPTABLE = 3;
    private static final int REFUSED = 4;

    private final Representation identity;
    private final Representation gzip;

    public ScriptHandler(TrackerScript script) {
        this.identity = new Representation(script.bytes(), script.etag(), null);
        this.gzip = new Representation(script.gzipped(), script.gzipEtag(), "gzip");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        HttpString method = exchange.getRequestMethod();
        HeaderMap response = exchange.getResponseHeaders();
        if (!Methods.GET.equals(method) && !Methods.HEAD.equals(method)) {
            exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
            response.put(Headers.ALLOW, ALLOWED_METHODS);
            response.put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getResponseSender().send("method not allowed\n");
            return;
        }
        HeaderMap request = exchange.getRequestHeaders();
        Representation chosen = acceptsGzip(request.get(Headers.ACCEPT_ENCODING)) ? gzip : identity;
        response.put(Headers.ETAG, chosen.etag);
        response.put(Headers.CACHE_CONTROL, CACHE_CONTROL);
        response.put(Headers.VARY, Headers.ACCEPT_ENCODING_STRING);
        if (anyMatches(request.get(Headers.IF_NONE_MATCH), chosen.etag)) {
            exchange.setStatusCode(StatusCodes.NOT_MODIFIED);
            exchange.endExchange();
            return;
        }
        response.put(Headers.CONTENT_TYPE, CONTENT_TYPE);
        response.put(CONTENT_TYPE_OPTIONS, "nosniff");
        response.put(CROSS_ORIGIN_RESOURCE_POLICY, "cross-origin");
        if (chosen.encoding != null) {
            response.put(Headers.CONTENT_ENCODING, chosen.encoding);
        }
        response.put(Headers.CONTENT_LENGTH, chosen.length);
        // On HEAD, Undertow keeps the Content-Length and drops the body.
        exchange.getResponseSender().send(chosen.body.duplicate());
    }

    /**
     * Whether the {@code Accept-Encoding} lines (null when absent) accept gzip: an explicit {@code gzip}
     * or {@code x-gzip} entry decides, otherwise {@code *} does; {@code q=0} refuses. No allocation.
     */
    static boolean acceptsGzip(HeaderValues values) {
        int verdict = NOT_MENTIONED;
        for (int i = 0; values != null && i < values.size(); i++) {
            verdict = Math.max(verdict, gzipVerdict(values.get(i)));
        }
        return verdict == ACCEPTABLE || verdict == WILDCARD_ACCEPTABLE;
    }

    private static int gzipVerdict(String header) {
        int verdict = NOT_MENTIONED;
        int i = 0;
        int n = header.length();
        while (i < n) {
            i = skip(header, i, " \t,");
            int start = i;
            while (i < n && " \t,;".indexOf(header.charAt(i)) < 0) {
                i++;
            }
            int end = i;
            boolean refused = false;
            while (i < n && header.charAt(i) != ',') { // parameters: only q matters
                i = skip(header, i, " \t;");
                if (i + 1 < n && (header.charAt(i) == 'q' || header.charAt(i) == 'Q') && header.charAt(i + 1) == '=') {
                    refused = isZero(header, i + 2);
                }
                while (i < n && header.charAt(i) != ';' && header.charAt(i) != ',') {
                    i++;
                }
            }
            if (isToken(header, start, end, "gzip") || isToken(header, start, end, "x-gzip")) {
                verdict = Math.max(verdict, refused ? REFUSED : ACCEPTABLE);
            } else if (isToken(header, start, end, "*")) {
                verdict = Math.max(verdict, refused ? WILDCARD_REFUSED : WILDCARD_ACCEPTABLE);
            }
        }
        return verdict;
    }

    /**
     * Whether the {@code If-None-Match} lines (null when absent) name {@code etag}: weak comparison, as
     * RFC 9110 asks for this header, so {@code W/"x"} matches {@code "x"}; {@code *} matches anything.
     * No allocation.
     */
    static boolean anyMatches(HeaderValues values, String etag) {
        for (int i = 0; values != null && i < values.size(); i++) {
            if (matches(values.get(i), etag)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String header, String etag) {
        int i = 0;
        int n = header.length();
        while (i < n) {
            i = skip(header, i, " \t,");
            if (i >= n) {
                return false;
            }
            if (header.charAt(i) == '*') {
                return true;
            }
            if (header.startsWith("W/", i)) {
                i += 2;
            }
            if (i < n && header.charAt(i) == '"') {
                int close = header.indexOf('"', i + 1);
                if (close < 0) {
                    return false;
                }
                if (close + 1 - i == etag.length() && header.startsWith(etag, i)) {
                    return true;
                }
                i = close + 1;
            }
            while (i < n && header.charAt(i) != ',') { // skip anything malformed up to the next entry
                i++;
            }
        }
        return false;
    }

    private static int skip(String s, int i, String chars) {
        while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private static boolean isToken(String s, int start, int end, String token) {
        return end - start == token.length() && s.regionMatches(true, start, token, 0, token.length());
    }

    /** {@code 0}, {@code 0.}, {@code 0.0}, ... up to the end of the parameter. */
    private static boolean isZero(String s, int i) {
        if (i >= s.length() || s.charAt(i) != '0') {
            return false;
        }
        i++;
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            while (i < s.length() && s.charAt(i) == '0') {
                i++;
            }
        }
        i = skip(s, i, " \t");
        return i >= s.length() || s.charAt(i) == ';' || s.charAt(i) == ',';
    }

    /** One content coding of the script: its bytes in a read-only direct buffer, shared by all responses. */
    private static final class Representation {
        final ByteBuffer body;
        final String etag;
        final String length;
        final String encoding;

        Representation(byte[] bytes, String etag, String encoding) {
            this.body = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip().asReadOnlyBuffer();
            this.etag = etag;
            this.length = Integer.toString(bytes.length);
            this.encoding = encoding;
        }
    }
}

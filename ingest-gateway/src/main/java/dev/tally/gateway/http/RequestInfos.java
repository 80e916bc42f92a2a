package dev.tally.gateway.http;

import dev.tally.gateway.ingest.ClientAddresses;
import dev.tally.gateway.ingest.EventInput;
import dev.tally.gateway.ingest.VisitorIdentity;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

/** Reads what every ingest endpoint needs from the HTTP request, and sets the visitor cookie. */
final class RequestInfos {
    private static final HttpString X_FORWARDED_FOR = new HttpString("X-Forwarded-For");
    private static final HttpString X_REAL_IP = new HttpString("X-Real-IP");
    private static final HttpString SITE_KEY = new HttpString("X-Tally-Site-Key");
    private static final String BEARER = "Bearer ";

    private final ClientAddresses addresses;
    private final String cookieName;
    private final Duration cookieMaxAge;
    private final Clock clock;

    RequestInfos(ClientAddresses addresses, String cookieName, Duration cookieMaxAge, Clock clock) {
        this.addresses = addresses;
        this.cookieName = cookieName;
        this.cookieMaxAge = cookieMaxAge;
        this.clock = clock;
    }

    EventInput.RequestInfo read(HttpServerExchange exchange) {
        var headers = exchange.getRequestHeaders();
        InetSocketAddress peer = exchange.getSourceAddress();
        String peerIp = peer == null || peer.getAddress() == null ? "" : peer.getAddress().getHostAddress();
        String clientIp = addresses.resolve(peerIp, headers.getFirst(X_FORWARDED_FOR), headers.getFirst(X_REAL_IP));

        Cookie cookie = exchange.getRequestCookie(cookieName);
        String visitorCookie = cookie == null ? null : cookie.getValue();
        boolean fresh = false;
        if (!VisitorIdentity.isValidCookieId(visitorCookie)) {
            visitorCookie = VisitorIdentity.newCookieId();
            fresh = true;
        }

        String siteKey = headers.getFirst(SITE_KEY);
        String authorization = headers.getFirst(Headers.AUTHORIZATION);
        if (siteKey == null && authorization != null && authorization.startsWith(BEARER)) {
            siteKey = authorization.substring(BEARER.length()).trim();
        }
        return new EventInput.RequestInfo(clientIp, headers.getFirst(Headers.USER_AGENT), headers.getFirst(Headers.ACCEPT_LANGUAGE),
                visitorCookie, fresh, siteKey, clock.instant());
    }

    /** Sets the first-party visitor cookie: only for sites in cookie mode that saw a new visitor. */
    void setVisitorCookie(HttpServerExchange exchange, EventInput.RequestInfo request) {
        CookieImpl cookie = new CookieImpl(cookieName, request.visitorCookie());
        cookie.setPath("/");
        cookie.setMaxAge((int) Math.min(Integer.MAX_VALUE, cookieMaxAge.toSeconds()));
        cookie.setHttpOnly(true);
        cookie.setSameSiteMode("Lax");
        cookie.setSecure("https".equalsIgnoreCase(exchange.getRequestScheme()));
        exchange.setResponseCookie(cookie);
    }
}

package dev.tally.gateway.ingest;

import java.time.Instant;
import java.util.Map;

/**
 * One event as a request carried it, already decoded from the pixel's query string or the JSON body,
 * plus what the connection told us. Nothing here is validated yet; absent values are {@code null}.
 *
 * @param site site id ({@code d}/{@code domain} in Plausible's payloads)
 * @param url page URL
 * @param referrer the page's referrer
 * @param title the page's title
 * @param name event name; absent or {@code pageview} is a page view
 * @param screenWidth the viewport width in CSS pixels, as text or number
 * @param value a numeric value (revenue, cost), as text
 * @param currency the value's currency, if any
 * @param props custom properties
 * @param clientTime when the client says the event happened, as ISO-8601 or epoch milliseconds
 * @param request what the connection carried
 */
public record EventInput(
        String site,
        String url,
        String referrer,
        String title,
        String name,
        String screenWidth,
        String value,
        String currency,
        Map<String, String> props,
        String clientTime,
        RequestInfo request) {

    /**
     * What the HTTP request around the event told us.
     *
     * @param clientIp the visitor's address (after trusted-proxy resolution); used for the visitor id only
     * @param userAgent the User-Agent header
     * @param acceptLanguage the Accept-Language header
     * @param visitorCookie the visitor id cookie for sites in cookie mode: the one the browser sent, or
     *     a fresh one the response will set
     * @param visitorCookieNew whether {@code visitorCookie} is fresh (a new visitor)
     * @param siteKey a site key presented by the caller (authorises backfill)
     * @param receivedAt when the gateway received the request: the event time
     */
    public record RequestInfo(String clientIp, String userAgent, String acceptLanguage, String visitorCookie,
                              boolean visitorCookieNew, String siteKey, Instant receivedAt) {}
}

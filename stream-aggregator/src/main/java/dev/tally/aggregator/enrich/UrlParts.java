package dev.tally.aggregator.enrich;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The parts of a page or referrer URL the aggregator uses: lower-case host, normalised path and the
 * query parameters that matter for attribution. Hand-parsed rather than via {@code java.net.URI}
 * because real-world URLs are often not RFC-valid (spaces, unescaped characters) and must still count.
 *
 * @param host  lower-case host without port and user info; null when there is none
 * @param path  path without query and fragment, no trailing slash except for the root; "/" when empty
 * @param query raw query string without '?', "" when none
 */
public record UrlParts(String host, String path, String query) {

    /** Parses {@code url}; a null or blank URL gives host null, path "/". */
    public static UrlParts parse(String url) {
        if (url == null || url.isBlank()) {
            return new UrlParts(null, "/", "");
        }
        String text = url.trim();
        int fragment = text.indexOf('#');
        if (fragment >= 0) {
            text = text.substring(0, fragment);
        }
        int queryStart = text.indexOf('?');
        String query = queryStart >= 0 ? text.substring(queryStart + 1) : "";
        String beforeQuery = queryStart >= 0 ? text.substring(0, queryStart) : text;

        String host = null;
        String rest = beforeQuery;
        int scheme = beforeQuery.indexOf("://");
        if (scheme > 0 || beforeQuery.startsWith("//")) {
            int authorityStart = scheme > 0 ? scheme + 3 : 2;
            int slash = beforeQuery.indexOf('/', authorityStart);
            String authority = slash >= 0 ? beforeQuery.substring(authorityStart, slash) : beforeQuery.substring(authorityStart);
            rest = slash >= 0 ? beforeQuery.substring(slash) : "";
            host = hostOf(authority);
        }
        return new UrlParts(host, normalisePath(rest), query);
    }

    private static String hostOf(String authority) {
        int at = authority.lastIndexOf('@');
        String hostPort = at >= 0 ? authority.substring(at + 1) : authority;
        String host;
        if (hostPort.startsWith("[")) { // IPv6 literal
            int close = hostPort.indexOf(']');
            host = close > 0 ? hostPort.substring(0, close + 1) : hostPort;
        } else {
            int colon = hostPort.indexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.isEmpty() ? null : host.toLowerCase(Locale.ROOT);
    }

    /** One page is one path: "/pricing/" and "/pricing" count together; the root stays "/". */
    static String normalisePath(String rawPath) {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            rawPath = "/" + rawPath;
        }
        int end = rawPath.length();
        while (end > 1 && rawPath.charAt(end - 1) == '/') {
            end--;
        }
        return rawPath.substring(0, end);
    }

    /** The first value of query parameter {@code name}, percent-decoded and trimmed; null when absent or empty. */
    public String parameter(String name) {
        if (query.isEmpty()) {
            return null;
        }
        int from = 0;
        while (from <= query.length()) {
            int amp = query.indexOf('&', from);
            int end = amp >= 0 ? amp : query.length();
            int eq = query.indexOf('=', from);
            boolean hasValue = eq >= 0 && eq < end;
            String key = query.substring(from, hasValue ? eq : end);
            if (key.equals(name)) {
                String value = hasValue ? decode(query.substring(eq + 1, end)).trim() : "";
                return value.isEmpty() ? null : value;
            }
            if (amp < 0) {
                break;
            }
            from = amp + 1;
        }
        return null;
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            // A stray '%' in a campaign name: keep the text as sent rather than lose the attribution.
            return value;
        }
    }
}

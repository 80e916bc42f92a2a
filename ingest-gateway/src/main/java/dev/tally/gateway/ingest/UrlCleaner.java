package dev.tally.gateway.ingest;

import java.util.Locale;
import java.util.Set;

/**
 * What of a page URL is stored: scheme, host (lower-cased), port, path and fragment as sent, and of the
 * query only the {@code utm_*} parameters and an operator's allow-list. Other parameters routinely
 * carry session ids, e-mail addresses and tokens, which have no business in analytics storage.
 */
public final class UrlCleaner {
    private final Set<String> keptParameters;

    /** @param keptParameters query parameter names kept besides {@code utm_*}, case-sensitive */
    public UrlCleaner(Set<String> keptParameters) {
        this.keptParameters = Set.copyOf(keptParameters);
    }

    /** The URL to store, or {@code null} when it is not an absolute http(s) URL with a host. */
    public String clean(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            return null;
        }
        String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return null;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = indexOfAny(url, "/?#", authorityStart);
        String authority = url.substring(authorityStart, authorityEnd);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1); // never store credentials from user:pass@host
        }
        if (authority.isEmpty() || authority.indexOf(' ') >= 0 || authority.startsWith(":")) {
            return null; // no host (":8080" is only a port)
        }
        int queryStart = url.indexOf('?', authorityEnd);
        int fragmentStart = url.indexOf('#', authorityEnd);
        if (fragmentStart >= 0 && queryStart > fragmentStart) {
            queryStart = -1; // a '?' inside the fragment belongs to the fragment
        }
        int pathEnd = queryStart >= 0 ? queryStart : fragmentStart >= 0 ? fragmentStart : url.length();
        String path = url.substring(authorityEnd, pathEnd);
        if (path.indexOf(' ') >= 0) {
            return null;
        }
        StringBuilder out = new StringBuilder(url.length());
        out.append(scheme).append("://").append(authority.toLowerCase(Locale.ROOT)).append(path.isEmpty() ? "/" : path);
        if (queryStart >= 0) {
            int queryEnd = fragmentStart >= 0 ? fragmentStart : url.length();
            appendKeptParameters(out, url.substring(queryStart + 1, queryEnd));
        }
        if (fragmentStart >= 0 && fragmentStart + 1 < url.length()) {
            out.append(url, fragmentStart, url.length());
        }
        return out.toString();
    }

    /** The host of a cleaned URL, lower-case, without port. */
    public static String hostOf(String cleanedUrl) {
        int start = cleanedUrl.indexOf("://") + 3;
        int end = indexOfAny(cleanedUrl, "/?#", start);
        String authority = cleanedUrl.substring(start, end);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close > 0 ? authority.substring(0, close + 1) : authority;
        }
        int colon = authority.indexOf(':');
        return colon >= 0 ? authority.substring(0, colon) : authority;
    }

    private void appendKeptParameters(StringBuilder out, String query) {
        char separator = '?';
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq >= 0 ? pair.substring(0, eq) : pair;
            if (name.startsWith("utm_") || keptParameters.contains(name)) {
                out.append(separator).append(pair);
                separator = '&';
            }
        }
    }

    private static int indexOfAny(String text, String chars, int from) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return text.length();
    }
}

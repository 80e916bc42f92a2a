package dev.tally.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.ZoneId;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A registered site.
 *
 * @param id the site id events carry (for sites moving from Plausible: their domain, e.g. {@code example.com})
 * @param hostnames hosts allowed to send events: {@code example.com} allows exactly that host,
 *     {@code *.example.com} every subdomain (and the domain itself)
 * @param timeZone the site's days for queries
 * @param identityMode how visitors are identified
 * @param retentionDays how long raw events are kept
 * @param keyHash SHA-256 of the site key (hex); the key authorises backfill and queries
 */
public record Site(String id, Set<String> hostnames, ZoneId timeZone, IdentityMode identityMode, int retentionDays, String keyHash) {
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern HOSTNAME = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final SecureRandom RANDOM = new SecureRandom();

    public Site {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("site id '" + id + "' must be 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }
        TreeSet<String> normalised = new TreeSet<>();
        for (String host : hostnames) {
            String lower = host.trim().toLowerCase(Locale.ROOT);
            if (!HOSTNAME.matcher(lower).matches()) {
                throw new IllegalArgumentException("hostname '" + host + "' is not a host name (use example.com or *.example.com)");
            }
            normalised.add(lower);
        }
        if (normalised.isEmpty()) {
            throw new IllegalArgumentException("a site needs at least one allowed hostname");
        }
        hostnames = Set.copyOf(normalised);
        if (retentionDays < 1 || retentionDays > 36_500) {
            throw new IllegalArgumentException("retention must be between 1 and 36500 days");
        }
    }

    /** Whether events from a page on {@code host} may be counted for this site. */
    public boolean allowsHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String lower = host.toLowerCase(Locale.ROOT);
        for (String allowed : hostnames) {
            if (allowed.startsWith("*.")) {
                String domain = allowed.substring(2);
                if (lower.equals(domain) || lower.endsWith("." + domain)) {
                    return true;
                }
            } else if (lower.equals(allowed)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code key} is this site's key; compares hashes in constant time. */
    public boolean acceptsKey(String key) {
        if (key == null || key.isEmpty() || keyHash == null) {
            return false;
        }
        return MessageDigest.isEqual(hashKey(key).getBytes(StandardCharsets.US_ASCII), keyHash.getBytes(StandardCharsets.US_ASCII));
    }

    /** A new random site key: shown to the operator once, stored only as its hash. */
    public static String newKey() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "tk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hashKey(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

package dev.tally.gateway.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Visitor ids for both identity modes.
 *
 * <p>Cookieless: HMAC-SHA256 keyed by the salt of the receive time's UTC day over (site id, client IP,
 * user agent), truncated to 128 bits, hex. The IP is hash input only and is never returned or stored;
 * once a day's salt is destroyed, nobody can recompute that day's ids or link a visitor across days.
 *
 * <p>Cookie: a random 128-bit id kept in a first-party cookie; a request without a valid one is a new visitor.
 */
public final class VisitorIdentity {
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern COOKIE_ID = Pattern.compile("[0-9a-f]{32}");

    private final DailySalts salts;
    private final ThreadLocal<CachedMac> macs = new ThreadLocal<>();

    /** A thread's Mac, re-keyed only when the day (and so the salt) changes. */
    private record CachedMac(LocalDate day, Mac mac) {}

    public VisitorIdentity(DailySalts salts) {
        this.salts = salts;
    }

    public String cookielessId(String siteId, String clientIp, String userAgent, Instant receivedAt) {
        Mac mac = macFor(LocalDate.ofInstant(receivedAt, ZoneOffset.UTC));
        mac.update(siteId.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update(clientIp.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update((userAgent == null ? "" : userAgent).getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(mac.doFinal(), 0, 16);
    }

    /** Whether a cookie value is an id this gateway could have issued. */
    public static boolean isValidCookieId(String value) {
        return value != null && COOKIE_ID.matcher(value).matches();
    }

    public static String newCookieId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }

    private Mac macFor(LocalDate day) {
        CachedMac cached = macs.get();
        if (cached == null || !cached.day().equals(day)) {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(salts.saltFor(day), ALGORITHM));
                cached = new CachedMac(day, mac);
                macs.set(cached);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        }
        return cached.mac();
    }
}

package dev.tally.gateway.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * Keyed Macs are pooled per day, and the whole pool is dropped when the day changes, so no idle
 * thread keeps an old salt alive.
 *
 * <p>Cookie: a random 128-bit id kept in a first-party cookie; a request without a valid one is a new visitor.
 */
public final class VisitorIdentity {
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern COOKIE_ID = Pattern.compile("[0-9a-f]{32}");

    private final DailySalts salts;
    private volatile MacPool pool;

    /** Ready Macs keyed with one day's salt. */
    private record MacPool(LocalDate day, SecretKeySpec key, ConcurrentLinkedQueue<Mac> idle) {
        Mac take() {
            Mac mac = idle.poll();
            return mac != null ? mac : newMac(key);
        }
    }

    public VisitorIdentity(DailySalts salts) {
        this.salts = salts;
    }

    public String cookielessId(String siteId, String clientIp, String userAgent, Instant receivedAt) {
        MacPool dayPool = poolFor(LocalDate.ofInstant(receivedAt, ZoneOffset.UTC));
        Mac mac = dayPool.take();
        try {
            mac.update(siteId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update((clientIp == null ? "" : clientIp).getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update((userAgent == null ? "" : userAgent).getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(mac.doFinal(), 0, 16);
        } finally {
            mac.reset(); // a failure half-way must not leave input behind for the next id
            if (pool == dayPool) {
                dayPool.idle().offer(mac);
            }
        }
    }

    /** Whether a cookie value is an id this gateway could have issued. */
    public static boolean isValidCookieId(String value) {
        return value != null && COOKIE_ID.matcher(value).matches();
    }

    public static String newCookieId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }

    private MacPool poolFor(LocalDate day) {
        MacPool current = pool;
        if (current != null && current.day().equals(day)) {
            return current;
        }
        MacPool fresh = new MacPool(day, new SecretKeySpec(salts.saltFor(day), ALGORITHM), new ConcurrentLinkedQueue<>());
        // A request stamped just before midnight and handled just after must not send the pool back a day.
        if (current == null || day.isAfter(current.day())) {
            pool = fresh;
        }
        return fresh;
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

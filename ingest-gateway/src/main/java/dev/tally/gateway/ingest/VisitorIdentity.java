package dev.tally.gateway.ingest;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cookieless visitor ids: HMAC-SHA256 keyed by a random salt of the current UTC day over
 * (site id, client IP, user agent), truncated to 128 bits. The IP is used only as hash input and is
 * never returned or stored. Only the current day's salt is kept: once the day is over its salt is
 * replaced and the previous day's ids can no longer be recomputed, so nobody can follow a visitor
 * across days.
 */
public final class VisitorIdentity {
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecureRandom random = new SecureRandom();
    private volatile DaySalt current;

    private record DaySalt(LocalDate day, SecretKeySpec key) {}

    public String visitorId(String siteId, String clientIp, String userAgent, Instant at) {
        Mac mac = newMac(saltFor(at));
        mac.update(siteId.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update(clientIp.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update((userAgent == null ? "" : userAgent).getBytes(StandardCharsets.UTF_8));
        byte[] digest = mac.doFinal();
        return HEX.formatHex(digest, 0, 16);
    }

    private SecretKeySpec saltFor(Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        DaySalt salt = current;
        if (salt == null || !salt.day().equals(day)) {
            synchronized (this) {
                salt = current;
                if (salt == null || !salt.day().equals(day)) {
                    byte[] bytes = new byte[32];
                    random.nextBytes(bytes);
                    salt = new DaySalt(day, new SecretKeySpec(bytes, ALGORITHM));
                    current = salt;
                }
            }
        }
        return salt.key();
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

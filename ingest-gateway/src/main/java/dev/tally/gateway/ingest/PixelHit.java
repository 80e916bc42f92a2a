package dev.tally.gateway.ingest;

import java.time.Instant;

/**
 * What a pixel request carried, already percent-decoded, plus what the connection told us.
 * Absent parameters are {@code null}.
 */
public record PixelHit(
        String site,
        String url,
        String referrer,
        String title,
        String clientIp,
        String userAgent,
        String acceptLanguage,
        Instant receivedAt) {}

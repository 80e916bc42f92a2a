package dev.tally.gateway.ingest;

import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.TrackedEvent;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Turns a request into a {@link TrackedEvent} or a {@link Rejection}: validation and visitor
 * identification, with no HTTP or Kafka in sight.
 */
public final class EventFactory {
    private static final Pattern SITE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0," + (EventLimits.MAX_SITE_ID_LENGTH - 1) + "}");
    private static final String PAGEVIEW = "pageview";

    private final VisitorIdentity identity;

    public EventFactory(VisitorIdentity identity) {
        this.identity = identity;
    }

    /** Either an event to publish, or the reason there is none. */
    public record Outcome(TrackedEvent event, Rejection rejection) {
        static Outcome accepted(TrackedEvent event) {
            return new Outcome(event, null);
        }

        static Outcome rejected(Rejection rejection) {
            return new Outcome(null, rejection);
        }

        public boolean isAccepted() {
            return event != null;
        }
    }

    public Outcome fromPixel(PixelHit hit) {
        if (hit.site() == null || hit.site().isEmpty()) {
            return Outcome.rejected(Rejection.MISSING_SITE);
        }
        if (!SITE_ID.matcher(hit.site()).matches()) {
            return Outcome.rejected(Rejection.INVALID_SITE);
        }
        if (hit.url() == null || hit.url().isEmpty()) {
            return Outcome.rejected(Rejection.MISSING_URL);
        }
        if (hit.url().length() > EventLimits.MAX_URL_LENGTH) {
            return Outcome.rejected(Rejection.URL_TOO_LONG);
        }
        if (!isAbsoluteHttpUrl(hit.url())) {
            return Outcome.rejected(Rejection.INVALID_URL);
        }
        TrackedEvent event = TrackedEvent.newBuilder()
                .setEventId(randomUuid())
                .setSiteId(hit.site())
                .setReceivedAt(hit.receivedAt())
                .setClientTime(null)
                .setType(EventType.PAGEVIEW)
                .setName(PAGEVIEW)
                .setUrl(hit.url())
                .setReferrer(emptyToNull(hit.referrer()))
                .setTitle(emptyToNull(hit.title()))
                .setLanguage(primaryLanguage(hit.acceptLanguage()))
                .setScreenWidth(null)
                .setUserAgent(emptyToNull(hit.userAgent()))
                .setVisitorId(identity.visitorId(hit.site(), hit.clientIp(), hit.userAgent(), hit.receivedAt()))
                .setNewVisitor(null)
                .setValue(null)
                .setCurrency(null)
                .setProps(Map.of())
                .setClientIp(null)
                .build();
        return Outcome.accepted(event);
    }

    /**
     * The Kafka key: site and visitor, so one busy site spreads over every partition while one
     * visitor's events stay in order on one.
     */
    public static String partitionKey(TrackedEvent event) {
        return TopicCatalogue.rawEventKey(event.getSiteId(), event.getVisitorId());
    }

    private static boolean isAbsoluteHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            return scheme != null
                    && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** "de-CH,de;q=0.9,en;q=0.8" becomes "de-CH": the visitor's first choice only. */
    static String primaryLanguage(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return null;
        }
        String first = acceptLanguage.split(",", 2)[0].split(";", 2)[0].trim();
        if (first.isEmpty() || first.equals("*") || first.length() > 35) {
            return null;
        }
        return first;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** A version-4 UUID from a thread-local generator: SecureRandom would serialise every request on one lock. */
    private static String randomUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}

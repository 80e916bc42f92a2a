package dev.tally.gateway.ingest;

import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.Site;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns an {@link EventInput} into a {@link TrackedEvent}, or says why not: site and host checks,
 * bounds, cleaning, client time rules and visitor identity. No HTTP or Kafka in sight.
 */
public final class EventFactory {
    static final String PAGEVIEW = "pageview";
    /** Plausible's trackers send these when a page is left; Tally does not use them, and never rejects them. */
    static final String ENGAGEMENT = "engagement";

    private final SiteDirectory sites;
    private final VisitorIdentity identity;
    private final UrlCleaner urls;
    private final Duration maxClockSkew;
    private final boolean storeClientIp;

    /**
     * @param maxClockSkew how far a client timestamp may be from the receive time without a site key
     * @param storeClientIp whether the raw IP goes into the event (off unless an operator turns it on)
     */
    public EventFactory(SiteDirectory sites, VisitorIdentity identity, UrlCleaner urls, Duration maxClockSkew, boolean storeClientIp) {
        this.sites = sites;
        this.identity = identity;
        this.urls = urls;
        this.maxClockSkew = maxClockSkew;
        this.storeClientIp = storeClientIp;
    }

    /** An event to publish, an event deliberately ignored, or the reason there is none. */
    public record Outcome(TrackedEvent event, Rejection rejection, boolean setsCookie) {
        static final Outcome IGNORED = new Outcome(null, null, false);

        static Outcome rejected(Rejection rejection) {
            return new Outcome(null, rejection, false);
        }

        public boolean isAccepted() {
            return event != null;
        }

        public boolean isIgnored() {
            return event == null && rejection == null;
        }
    }

    public Outcome create(EventInput input) {
        if (input.name() != null && input.name().trim().equalsIgnoreCase(ENGAGEMENT)) {
            return Outcome.IGNORED; // whatever else it carries: Tally never rejects what it does not use
        }
        EventInput.RequestInfo request = input.request();
        String siteId = Text.emptyToNull(input.site());
        if (siteId == null) {
            return Outcome.rejected(Rejection.MISSING_SITE);
        }
        siteId = siteId.trim().toLowerCase(Locale.ROOT);
        // Registered ids were validated when registered: the pattern runs only to tell why a lookup failed.
        Optional<Site> registered = sites.find(siteId);
        if (registered.isEmpty()) {
            return Outcome.rejected(Site.ID.matcher(siteId).matches() ? Rejection.UNKNOWN_SITE : Rejection.INVALID_SITE);
        }
        Site site = registered.get();

        String rawUrl = Text.emptyToNull(Text.clean(input.url()));
        if (rawUrl == null) {
            return Outcome.rejected(Rejection.MISSING_URL);
        }
        if (rawUrl.length() > EventLimits.MAX_URL_LENGTH) {
            return Outcome.rejected(Rejection.URL_TOO_LONG);
        }
        String url = urls.clean(rawUrl.trim());
        if (url == null) {
            return Outcome.rejected(Rejection.INVALID_URL);
        }
        if (!site.allowsHost(UrlCleaner.hostOf(url))) {
            return Outcome.rejected(Rejection.HOST_NOT_ALLOWED);
        }

        String name = Text.emptyToNull(Text.clean(input.name()));
        name = name == null ? PAGEVIEW : name.trim();
        if (name.length() > EventLimits.MAX_NAME_LENGTH) {
            return Outcome.rejected(Rejection.NAME_TOO_LONG);
        }
        boolean pageview = name.equalsIgnoreCase(PAGEVIEW);

        Map<String, String> props = input.props() == null ? Map.of() : input.props();
        if (props.size() > EventLimits.MAX_PROPS) {
            return Outcome.rejected(Rejection.TOO_MANY_PROPS);
        }
        Map<String, String> cleanProps = new LinkedHashMap<>();
        for (Map.Entry<String, String> prop : props.entrySet()) {
            String key = Text.clean(prop.getKey());
            String value = Text.clean(prop.getValue());
            if (key == null || key.isEmpty() || value == null) {
                continue;
            }
            if (key.length() > EventLimits.MAX_PROP_KEY_LENGTH || value.length() > EventLimits.MAX_PROP_VALUE_LENGTH) {
                return Outcome.rejected(Rejection.PROP_TOO_LONG);
            }
            cleanProps.put(key, value);
        }

        Double value = null;
        String valueText = Text.emptyToNull(input.value());
        if (valueText != null) {
            try {
                value = Double.valueOf(valueText.trim());
            } catch (NumberFormatException e) {
                return Outcome.rejected(Rejection.INVALID_VALUE);
            }
            if (!Double.isFinite(value) || Math.abs(value) > EventLimits.MAX_ABS_VALUE) {
                return Outcome.rejected(Rejection.INVALID_VALUE);
            }
        }
        String currency = Text.emptyToNull(Text.clean(input.currency()));
        if (currency != null) {
            currency = currency.trim().toUpperCase(Locale.ROOT);
            if (value == null || currency.length() != EventLimits.CURRENCY_CODE_LENGTH || !currency.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
                currency = null; // not an ISO 4217 code, or nothing to label: dropped, not worth losing the event
            }
        }

        Instant clientTime = null;
        String clientTimeText = Text.emptyToNull(input.clientTime());
        if (clientTimeText != null) {
            Optional<Instant> parsed = parseTimestamp(clientTimeText.trim());
            if (parsed.isEmpty()) {
                return Outcome.rejected(Rejection.INVALID_TIMESTAMP);
            }
            clientTime = parsed.get();
            Duration ahead = Duration.between(request.receivedAt(), clientTime);
            if (ahead.compareTo(maxClockSkew) > 0) {
                return Outcome.rejected(Rejection.CLOCK_SKEW);
            }
            Duration behind = ahead.negated();
            if (behind.compareTo(maxClockSkew) > 0) {
                if (!site.acceptsKey(request.siteKey())) {
                    return Outcome.rejected(Rejection.BACKFILL_NEEDS_KEY);
                }
                if (behind.compareTo(Duration.ofDays(site.retentionDays())) > 0) {
                    return Outcome.rejected(Rejection.TOO_OLD);
                }
            }
        }

        String visitorId;
        Boolean newVisitor = null;
        boolean setsCookie = false;
        if (site.identityMode() == IdentityMode.COOKIE && VisitorIdentity.isValidCookieId(request.visitorCookie())) {
            visitorId = request.visitorCookie();
            newVisitor = request.visitorCookieNew();
            setsCookie = request.visitorCookieNew();
        } else {
            visitorId = identity.cookielessId(site.id(), request.clientIp(), request.userAgent(), request.receivedAt());
        }

        // The all-arguments constructor, not the builder: the builder validates and deep-copies defaults
        // field by field, a measurable share of a pixel request. A new schema field breaks this call at
        // compile time, so nothing can be left unset by accident.
        TrackedEvent event = new TrackedEvent(
                randomUuid(),
                site.id(),
                request.receivedAt(),
                clientTime,
                pageview ? EventType.PAGEVIEW : EventType.CUSTOM,
                pageview ? PAGEVIEW : name,
                url,
                referrer(input.referrer()),
                Text.truncate(Text.emptyToNull(Text.clean(input.title())), EventLimits.MAX_TITLE_LENGTH),
                primaryLanguage(request.acceptLanguage()),
                screenWidth(input.screenWidth()),
                Text.truncate(Text.emptyToNull(Text.clean(request.userAgent())), 512),
                visitorId,
                newVisitor,
                value,
                currency,
                cleanProps,
                storeClientIp ? request.clientIp() : null);
        return new Outcome(event, null, setsCookie);
    }

    /**
     * The Kafka key: site and visitor, so one busy site spreads over every partition while one
     * visitor's events stay in order on one.
     */
    public static String partitionKey(TrackedEvent event) {
        return TopicCatalogue.rawEventKey(event.getSiteId(), event.getVisitorId());
    }

    /**
     * Referrers are cleaned like page URLs (no credentials, only utm_* and allowed query parameters);
     * one that is not an http(s) URL (android-app://..., a bare host) is kept as sent, cut to length.
     */
    private String referrer(String raw) {
        String referrer = Text.emptyToNull(Text.clean(raw));
        if (referrer == null) {
            return null;
        }
        referrer = Text.truncate(referrer.trim(), EventLimits.MAX_REFERRER_LENGTH);
        String cleaned = urls.clean(referrer);
        return cleaned != null ? cleaned : referrer;
    }

    static Optional<Instant> parseTimestamp(String text) {
        try {
            if (text.chars().allMatch(Character::isDigit) && text.length() <= 15) {
                return Optional.of(Instant.ofEpochMilli(Long.parseLong(text)));
            }
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static Integer screenWidth(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            double width = Double.parseDouble(text.trim());
            return width >= 1 && width <= EventLimits.MAX_SCREEN_WIDTH ? (int) Math.round(width) : null;
        } catch (NumberFormatException e) {
            return null; // a width is a nice-to-have: a bad one is dropped, the event kept
        }
    }

    /** "de-CH,de;q=0.9,en;q=0.8" becomes "de-CH": the visitor's first choice only. */
    static String primaryLanguage(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank()) {
            return null;
        }
        int end = acceptLanguage.length();
        int comma = acceptLanguage.indexOf(',');
        end = comma >= 0 ? comma : end;
        int semicolon = acceptLanguage.indexOf(';');
        end = semicolon >= 0 && semicolon < end ? semicolon : end;
        String first = acceptLanguage.substring(0, end).trim();
        if (first.isEmpty() || first.length() > 35) {
            return null;
        }
        for (int i = 0; i < first.length(); i++) {
            char c = first.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return null; // also "*": no language preference
            }
        }
        return first;
    }

    /** A version-4 UUID from a thread-local generator: SecureRandom would serialise every request on one lock. */
    private static String randomUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}

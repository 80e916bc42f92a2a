package dev.tally.aggregator.enrich;

import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.TrackedEvent;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Test-data builder for tracked events: a desktop Chrome page view of https://example.com/ unless told otherwise. */
public final class TrackedEvents {
    public static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
    public static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    public static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    private TrackedEvents() {}

    public static TrackedEvent.Builder pageview() {
        return TrackedEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setSiteId("example.com")
                .setReceivedAt(Instant.parse("2026-11-22T10:00:00Z"))
                .setClientTime(null)
                .setType(EventType.PAGEVIEW)
                .setName("pageview")
                .setUrl("https://example.com/")
                .setReferrer(null)
                .setTitle(null)
                .setLanguage(null)
                .setScreenWidth(null)
                .setUserAgent(CHROME)
                .setVisitorId("visitor-1")
                .setNewVisitor(null)
                .setValue(null)
                .setCurrency(null)
                .setProps(Map.of())
                .setClientIp(null);
    }

    public static TrackedEvent.Builder custom(String name) {
        return pageview().setType(EventType.CUSTOM).setName(name);
    }
}

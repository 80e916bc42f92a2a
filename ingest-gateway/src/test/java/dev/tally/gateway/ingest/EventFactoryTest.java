package dev.tally.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.TrackedEvent;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventFactoryTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");
    private final EventFactory factory = new EventFactory(new VisitorIdentity());

    private static PixelHit hit(String site, String url) {
        return new PixelHit(site, url, "https://news.example.org/", "Hello", "203.0.113.7",
                "Mozilla/5.0 (X11; Linux x86_64)", "de-CH,de;q=0.9,en;q=0.8", NOW);
    }

    @Test
    void a_valid_pixel_hit_becomes_a_page_view_without_the_ip() {
        EventFactory.Outcome outcome = factory.fromPixel(hit("demo", "https://example.com/pricing"));

        assertThat(outcome.isAccepted()).isTrue();
        TrackedEvent event = outcome.event();
        assertThat(UUID.fromString(event.getEventId()).version()).isEqualTo(4);
        assertThat(event.getSiteId()).isEqualTo("demo");
        assertThat(event.getReceivedAt()).isEqualTo(NOW);
        assertThat(event.getType()).isEqualTo(EventType.PAGEVIEW);
        assertThat(event.getName()).isEqualTo("pageview");
        assertThat(event.getUrl()).isEqualTo("https://example.com/pricing");
        assertThat(event.getReferrer()).isEqualTo("https://news.example.org/");
        assertThat(event.getTitle()).isEqualTo("Hello");
        assertThat(event.getLanguage()).isEqualTo("de-CH");
        assertThat(event.getUserAgent()).isEqualTo("Mozilla/5.0 (X11; Linux x86_64)");
        assertThat(event.getVisitorId()).hasSize(32).doesNotContain("203.0.113.7");
        assertThat(event.getClientIp()).isNull();
        assertThat(event.toString()).doesNotContain("203.0.113.7");
    }

    @Test
    void rejects_a_missing_or_malformed_site() {
        assertThat(factory.fromPixel(hit(null, "https://example.com/")).rejection()).isEqualTo(Rejection.MISSING_SITE);
        assertThat(factory.fromPixel(hit("Demo Site", "https://example.com/")).rejection()).isEqualTo(Rejection.INVALID_SITE);
        assertThat(factory.fromPixel(hit("a".repeat(65), "https://example.com/")).rejection()).isEqualTo(Rejection.INVALID_SITE);
    }

    @Test
    void rejects_missing_relative_non_http_and_oversized_urls() {
        assertThat(factory.fromPixel(hit("demo", null)).rejection()).isEqualTo(Rejection.MISSING_URL);
        assertThat(factory.fromPixel(hit("demo", "/pricing")).rejection()).isEqualTo(Rejection.INVALID_URL);
        assertThat(factory.fromPixel(hit("demo", "javascript:alert(1)")).rejection()).isEqualTo(Rejection.INVALID_URL);
        assertThat(factory.fromPixel(hit("demo", "https://example.com/ bad")).rejection()).isEqualTo(Rejection.INVALID_URL);
        String longUrl = "https://example.com/" + "a".repeat(EventLimits.MAX_URL_LENGTH);
        assertThat(factory.fromPixel(hit("demo", longUrl)).rejection()).isEqualTo(Rejection.URL_TOO_LONG);
    }

    @Test
    void the_partition_key_keeps_one_visitor_together_and_spreads_a_site() {
        TrackedEvent first = factory.fromPixel(hit("demo", "https://example.com/a")).event();
        TrackedEvent second = factory.fromPixel(hit("demo", "https://example.com/b")).event();
        PixelHit otherVisitor = new PixelHit("demo", "https://example.com/a", null, null, "198.51.100.1", "curl/8", null, NOW);
        TrackedEvent third = factory.fromPixel(otherVisitor).event();

        assertThat(EventFactory.partitionKey(first)).isEqualTo(EventFactory.partitionKey(second));
        assertThat(EventFactory.partitionKey(first)).isNotEqualTo(EventFactory.partitionKey(third)).startsWith("demo");
    }

    @Test
    void takes_the_first_language_only() {
        assertThat(EventFactory.primaryLanguage("en-GB,en;q=0.9")).isEqualTo("en-GB");
        assertThat(EventFactory.primaryLanguage("*")).isNull();
        assertThat(EventFactory.primaryLanguage("")).isNull();
        assertThat(EventFactory.primaryLanguage(null)).isNull();
    }
}

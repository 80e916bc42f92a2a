package dev.tally.sink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void the_ttl_is_the_retention_left_after_the_events_age() {
        assertThat(Retention.ttlSeconds(30, NOW.minus(Duration.ofDays(1)), NOW)).hasValue((int) Duration.ofDays(29).toSeconds());
        assertThat(Retention.ttlSeconds(30, NOW, NOW)).hasValue((int) Duration.ofDays(30).toSeconds());
    }

    @Test
    void an_event_from_the_future_gets_the_full_retention() {
        assertThat(Retention.ttlSeconds(1, NOW.plusSeconds(60), NOW)).hasValue(86_400);
    }

    @Test
    void an_event_past_its_retention_gets_no_ttl() {
        assertThat(Retention.ttlSeconds(7, NOW.minus(Duration.ofDays(7)), NOW)).isEmpty();
        assertThat(Retention.ttlSeconds(7, NOW.minus(Duration.ofDays(8)), NOW)).isEmpty();
    }

    @Test
    void retentions_beyond_twenty_years_are_capped_at_cassandras_maximum_ttl() {
        assertThat(Retention.ttlSeconds(36_500, NOW, NOW)).hasValue(Retention.MAX_TTL_SECONDS);
    }
}

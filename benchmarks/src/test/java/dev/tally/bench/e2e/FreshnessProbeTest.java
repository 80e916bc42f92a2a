package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreshnessProbeTest {

    @Test
    void the_window_is_whole_minutes_around_the_outstanding_probes() {
        long sent = Instant.parse("2026-11-22T23:10:42.250Z").toEpochMilli();
        long now = Instant.parse("2026-11-22T23:10:43.900Z").toEpochMilli();

        Instant[] window = FreshnessProbe.window(sent, now);

        assertThat(window[0]).isEqualTo(Instant.parse("2026-11-22T23:09:00Z"));
        assertThat(window[1]).isEqualTo(Instant.parse("2026-11-22T23:12:00Z"));
    }

    @Test
    void a_probe_sent_just_before_a_minute_boundary_is_inside_the_window_after_it() {
        long sent = Instant.parse("2026-11-22T23:59:59.990Z").toEpochMilli();
        long now = Instant.parse("2026-11-23T00:00:01.000Z").toEpochMilli();

        Instant[] window = FreshnessProbe.window(sent, now);

        assertThat(window[0]).isBefore(Instant.ofEpochMilli(sent));
        assertThat(window[1]).isAfter(Instant.ofEpochMilli(now).plusSeconds(60));
    }

    @Test
    void with_probes_outstanding_up_to_the_timeout_the_window_stays_under_an_hour_so_the_minute_tier_answers() {
        long now = Instant.parse("2026-11-22T23:00:00Z").toEpochMilli();
        long oldest = now - Duration.ofMinutes(55).toMillis();

        Instant[] window = FreshnessProbe.window(oldest, now);

        assertThat(Duration.between(window[0], window[1])).isLessThan(Duration.ofHours(1));
    }

    @Test
    void each_probe_has_its_own_page() {
        assertThat(FreshnessProbe.path(17)).isEqualTo("/probe-17");
    }
}

package dev.tally.query.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class RangesTest {
    private static final Instant NOW = Instant.parse("2026-11-22T20:47:31Z");
    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

    @Test
    void today_is_the_site_local_day_and_the_previous_period_is_yesterday() {
        TimeRange today = Ranges.resolve("today", null, null, KOLKATA, NOW);
        // 20:47 UTC is 02:17 on 23 November in Kolkata.
        assertThat(today.from()).isEqualTo(Instant.parse("2026-11-22T18:30:00Z"));
        assertThat(today.to()).isEqualTo(Instant.parse("2026-11-23T18:30:00Z"));
        assertThat(today.previousFrom()).isEqualTo(Instant.parse("2026-11-21T18:30:00Z"));
        assertThat(today.previousTo()).isEqualTo(today.from());
    }

    @Test
    void realtime_is_the_last_five_minutes_including_this_one() {
        TimeRange realtime = Ranges.resolve("realtime", null, null, KOLKATA, NOW);
        assertThat(realtime.from()).isEqualTo(Instant.parse("2026-11-22T20:43:00Z"));
        assertThat(realtime.to()).isEqualTo(Instant.parse("2026-11-22T20:48:00Z"));
    }

    @Test
    void custom_ranges_take_local_dates_local_times_and_instants() {
        TimeRange range = Ranges.resolve(null, "2026-11-01", "2026-11-02T09:30", KOLKATA, NOW);
        assertThat(range.from()).isEqualTo(Instant.parse("2026-10-31T18:30:00Z"));
        assertThat(range.to()).isEqualTo(Instant.parse("2026-11-02T04:00:00Z"));
        TimeRange utc = Ranges.resolve("custom", "2026-11-01T00:00:00Z", "2026-11-01T02:00:00+01:00", KOLKATA, NOW);
        assertThat(utc.to()).isEqualTo(Instant.parse("2026-11-01T01:00:00Z"));
    }

    @Test
    void bad_ranges_name_the_parameter() {
        assertThatThrownBy(() -> Ranges.resolve(null, null, null, KOLKATA, NOW)).isInstanceOf(BadParameter.class)
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("period");
        assertThatThrownBy(() -> Ranges.resolve("fortnight", null, null, KOLKATA, NOW))
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("period");
        assertThatThrownBy(() -> Ranges.resolve("custom", "yesterday", "2026-11-02", KOLKATA, NOW))
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("from");
        assertThatThrownBy(() -> Ranges.resolve("custom", "2026-11-02", "2026-11-01", KOLKATA, NOW))
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("to");
        assertThatThrownBy(() -> Ranges.resolve("custom", "2026-11-01T10:00:30Z", "2026-11-02", KOLKATA, NOW))
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("from");
        assertThatThrownBy(() -> Ranges.resolve("custom", "2020-01-01", "2026-11-02", KOLKATA, NOW))
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("to");
    }
}

package dev.tally.query.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class IntervalsTest {
    @Test
    void days_follow_the_site_zone_including_a_dst_change() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant from = LocalDate.of(2026, 10, 24).atStartOfDay(berlin).toInstant();
        Instant to = LocalDate.of(2026, 10, 27).atStartOfDay(berlin).toInstant();
        List<Intervals.Interval> days = Intervals.split(from, to, Intervals.Unit.DAY, berlin);
        assertThat(days).hasSize(3);
        assertThat(days.get(1).start()).isEqualTo(Instant.parse("2026-10-24T22:00:00Z"));
        // 25 October 2026 has 25 hours in Berlin.
        assertThat(days.get(1).end()).isEqualTo(Instant.parse("2026-10-25T23:00:00Z"));
    }

    @Test
    void hours_of_a_half_hour_zone_start_at_half_past_utc() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        Instant from = Instant.parse("2026-11-10T10:30:00Z");
        List<Intervals.Interval> hours = Intervals.split(from, from.plusSeconds(3 * 3600), Intervals.Unit.HOUR, kolkata);
        assertThat(hours).extracting(Intervals.Interval::start).containsExactly(from, from.plusSeconds(3600), from.plusSeconds(7200));
    }

    @Test
    void the_first_and_last_intervals_are_clipped_to_the_range() {
        Instant from = Instant.parse("2026-11-10T10:15:00Z");
        Instant to = Instant.parse("2026-11-10T12:05:00Z");
        List<Intervals.Interval> hours = Intervals.split(from, to, Intervals.Unit.HOUR, ZoneId.of("UTC"));
        assertThat(hours).containsExactly(
                new Intervals.Interval(from, Instant.parse("2026-11-10T11:00:00Z")),
                new Intervals.Interval(Instant.parse("2026-11-10T11:00:00Z"), Instant.parse("2026-11-10T12:00:00Z")),
                new Intervals.Interval(Instant.parse("2026-11-10T12:00:00Z"), to));
    }
}

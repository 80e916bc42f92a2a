package dev.tally.query.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.store.RollupLayout.Tier;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TierPlannerTest {
    private static final Instant DAY_START = Instant.parse("2026-11-10T00:00:00Z");

    @Test
    void a_whole_utc_day_is_one_day_row() {
        List<Segment> plan = TierPlanner.plan(DAY_START, DAY_START.plusSeconds(86_400));
        assertThat(plan).containsExactly(new Segment(Tier.DAY, DAY_START, DAY_START.plusSeconds(86_400)));
    }

    @Test
    void edges_come_from_hours_then_minutes() {
        Instant from = Instant.parse("2026-11-09T22:15:00Z");
        Instant to = Instant.parse("2026-11-12T01:07:00Z");
        assertThat(TierPlanner.plan(from, to)).containsExactly(
                new Segment(Tier.MINUTE, from, Instant.parse("2026-11-09T23:00:00Z")),
                new Segment(Tier.HOUR, Instant.parse("2026-11-09T23:00:00Z"), Instant.parse("2026-11-10T00:00:00Z")),
                new Segment(Tier.DAY, Instant.parse("2026-11-10T00:00:00Z"), Instant.parse("2026-11-12T00:00:00Z")),
                new Segment(Tier.HOUR, Instant.parse("2026-11-12T00:00:00Z"), Instant.parse("2026-11-12T01:00:00Z")),
                new Segment(Tier.MINUTE, Instant.parse("2026-11-12T01:00:00Z"), to));
        assertThat(TierPlanner.bucketCount(from, to)).isEqualTo(45 + 1 + 2 + 1 + 7);
    }

    @Test
    void a_half_hour_offset_day_is_two_half_hour_edges_and_23_hours() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        LocalDate day = LocalDate.of(2026, 11, 10);
        Instant from = day.atStartOfDay(kolkata).toInstant();
        Instant to = day.plusDays(1).atStartOfDay(kolkata).toInstant();
        List<Segment> plan = TierPlanner.plan(from, to);
        assertThat(plan).extracting(Segment::tier).containsExactly(Tier.MINUTE, Tier.HOUR, Tier.MINUTE);
        assertThat(TierPlanner.bucketCount(from, to)).isEqualTo(30 + 23 + 30);
    }

    @Test
    void today_so_far_reads_complete_hours_then_minutes_up_to_now() {
        Instant now = Instant.parse("2026-11-10T15:37:00Z");
        Horizon horizon = Horizon.at(now, java.time.Duration.ofMinutes(12));

        List<Segment> plan = TierPlanner.plan(DAY_START, DAY_START.plusSeconds(86_400), horizon);

        assertThat(plan).containsExactly(
                new Segment(Tier.HOUR, DAY_START, Instant.parse("2026-11-10T15:00:00Z")),
                new Segment(Tier.MINUTE, Instant.parse("2026-11-10T15:00:00Z"), Instant.parse("2026-11-10T15:52:00Z")));
    }

    @Test
    void yesterday_is_one_day_row_once_it_has_settled_and_hours_before() {
        Instant yesterday = DAY_START.minusSeconds(86_400);
        assertThat(TierPlanner.plan(yesterday, DAY_START, Horizon.at(DAY_START.plusSeconds(11 * 60), java.time.Duration.ofMinutes(12))))
                .extracting(Segment::tier).containsExactly(Tier.HOUR, Tier.MINUTE);
        assertThat(TierPlanner.plan(yesterday, DAY_START, Horizon.at(DAY_START.plusSeconds(12 * 60), java.time.Duration.ofMinutes(12))))
                .containsExactly(new Segment(Tier.DAY, yesterday, DAY_START));
    }

    @Test
    void a_range_entirely_after_the_data_end_reads_nothing() {
        Horizon horizon = Horizon.at(DAY_START, java.time.Duration.ofMinutes(12));
        assertThat(TierPlanner.plan(DAY_START.plusSeconds(3_600), DAY_START.plusSeconds(7_200), horizon)).isEmpty();
    }

    @Test
    void with_any_horizon_the_plan_covers_the_range_up_to_the_data_end_once_and_coarse_buckets_end_settled() {
        Random random = new Random(7);
        for (int trial = 0; trial < 5_000; trial++) {
            long from = DAY_START.toEpochMilli() + 60_000L * random.nextInt(4 * 1440);
            long to = from + 60_000L * random.nextInt(3 * 1440);
            long now = DAY_START.toEpochMilli() + (long) (random.nextDouble() * 5 * 86_400_000L);
            Horizon horizon = Horizon.at(Instant.ofEpochMilli(now), java.time.Duration.ofMinutes(random.nextInt(30)));
            long expectedEnd = Math.min(to, Math.max(from, Math.floorDiv(horizon.dataEndMs() + 59_999, 60_000) * 60_000));
            long covered = from;
            for (Segment segment : TierPlanner.plan(Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), horizon)) {
                assertThat(segment.start().toEpochMilli()).isEqualTo(covered);
                if (segment.tier() != Tier.MINUTE) {
                    assertThat(segment.end().toEpochMilli()).isLessThanOrEqualTo(horizon.settledBeforeMs());
                }
                covered = segment.end().toEpochMilli();
            }
            assertThat(covered).as("trial " + trial).isEqualTo(expectedEnd);
        }
    }

    @Test
    void an_empty_range_reads_nothing() {
        assertThat(TierPlanner.plan(DAY_START, DAY_START)).isEmpty();
    }

    @Test
    void rejects_ranges_off_the_minute() {
        assertThatThrownBy(() -> TierPlanner.plan(DAY_START.plusSeconds(30), DAY_START.plusSeconds(600)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from");
    }

    @Test
    void random_ranges_are_covered_exactly_once_within_the_composition_bound() {
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            long start = DAY_START.toEpochMilli() / 60_000 + random.nextInt(400 * 1440);
            long length = random.nextInt(i % 2 == 0 ? 3 * 1440 : 120 * 1440);
            Instant from = Instant.ofEpochSecond(start * 60);
            Instant to = from.plusSeconds(length * 60);
            List<Segment> plan = TierPlanner.plan(from, to);

            Instant cursor = from;
            for (Segment segment : plan) {
                assertThat(segment.start()).isEqualTo(cursor);
                cursor = segment.end();
            }
            assertThat(cursor).isEqualTo(to);

            long wholeUtcDays = Math.max(0, Math.floorDiv(to.toEpochMilli(), 86_400_000L) - Math.floorDiv(from.toEpochMilli() + 86_399_999L, 86_400_000L));
            assertThat(TierPlanner.bucketCount(from, to)).isLessThanOrEqualTo(wholeUtcDays + 2 * 23 + 2 * 59);
        }
    }
}

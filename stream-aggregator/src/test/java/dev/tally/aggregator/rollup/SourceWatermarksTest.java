package dev.tally.aggregator.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceWatermarksTest {
    private static final long IDLE_AFTER = 30_000;
    /** Stream times: an hour before the wall clock starts, as when an instance catches up a backlog. */
    private static final long T = 1_700_000_000_000L;
    private static final int UNKNOWN_PARTITIONS = 0;

    private final InMemoryBucketStore store = new InMemoryBucketStore();
    private long now = T + 3_600_000;

    private SourceWatermarks started() {
        SourceWatermarks watermarks = new SourceWatermarks(store, UNKNOWN_PARTITIONS, IDLE_AFTER, now);
        now += IDLE_AFTER;
        return watermarks;
    }

    @Test
    void without_the_partition_count_nothing_closes_until_partitions_it_never_heard_of_have_had_time_to_report() {
        SourceWatermarks watermarks = new SourceWatermarks(store, UNKNOWN_PARTITIONS, IDLE_AFTER, now);
        watermarks.record(new SourceProgress(0, T, true), now);

        assertThat(watermarks.closableUpTo(now + IDLE_AFTER - 1)).isEmpty();
        assertThat(watermarks.closableUpTo(now + IDLE_AFTER)).hasValue(T);
    }

    @Test
    void with_the_partition_count_nothing_closes_until_every_partition_has_reported_however_long_that_takes() {
        SourceWatermarks watermarks = new SourceWatermarks(store, 3, IDLE_AFTER, now);
        watermarks.record(new SourceProgress(0, T + 60_000, true), now);
        watermarks.record(new SourceProgress(2, T + 60_000, false), now);
        now += 10 * IDLE_AFTER;
        watermarks.record(new SourceProgress(0, T + 60_000, false), now);
        watermarks.record(new SourceProgress(2, T + 60_000, false), now);
        assertThat(watermarks.closableUpTo(now)).as("partition 1's task has not started yet").isEmpty();

        watermarks.record(new SourceProgress(1, T, true), now);
        assertThat(watermarks.closableUpTo(now)).hasValue(T);
    }

    @Test
    void with_the_partition_count_buckets_close_as_soon_as_every_partition_has_reported() {
        SourceWatermarks watermarks = new SourceWatermarks(store, 2, IDLE_AFTER, now);
        watermarks.record(new SourceProgress(0, T + 5_000, true), now);
        watermarks.record(new SourceProgress(1, T, true), now);

        assertThat(watermarks.closableUpTo(now)).as("no start-up wait").hasValue(T);
    }

    @Test
    void buckets_close_at_the_slowest_reading_partition() {
        SourceWatermarks watermarks = started();
        watermarks.record(new SourceProgress(0, T + 600_000, true), now);
        watermarks.record(new SourceProgress(1, T, true), now);
        watermarks.record(new SourceProgress(2, T + 60_000, true), now);

        assertThat(watermarks.closableUpTo(now)).hasValue(T);
    }

    @Test
    void a_partition_that_stops_reporting_keeps_holding_the_others_back() {
        SourceWatermarks watermarks = started();
        watermarks.record(new SourceProgress(0, T, true), now);
        watermarks.record(new SourceProgress(1, T, true), now);
        for (int second = 1; second <= 120; second++) {
            now += 1_000;
            watermarks.record(new SourceProgress(0, T + second * 1_000L, true), now);
        }

        assertThat(watermarks.closableUpTo(now)).as("partition 1 may be restarting with a backlog").hasValue(T);
    }

    @Test
    void a_partition_that_reports_reading_nothing_counts_as_being_at_the_wall_clock_until_it_reads_again() {
        SourceWatermarks watermarks = started();
        watermarks.record(new SourceProgress(0, T, true), now);
        watermarks.record(new SourceProgress(1, T, true), now);
        for (int second = 1; second <= 30; second++) {
            now += 1_000;
            watermarks.record(new SourceProgress(0, T + second * 1_000L, true), now);
            watermarks.record(new SourceProgress(1, T, false), now);
            assertThat(watermarks.closableUpTo(now)).as("second " + second)
                    .hasValue(second < 30 ? T : T + 30_000); // partition 0, the slower one once 1 is idle
        }

        now += 1_000;
        watermarks.record(new SourceProgress(1, T + 1_000, true), now);
        assertThat(watermarks.closableUpTo(now)).hasValue(T + 1_000);
    }

    @Test
    void after_the_last_event_buckets_keep_closing_as_wall_clock_time_passes() {
        SourceWatermarks watermarks = started();
        watermarks.record(new SourceProgress(0, T, true), now);
        watermarks.record(new SourceProgress(1, T + 5_000, true), now);
        for (int second = 1; second <= 600; second++) {
            now += 1_000;
            watermarks.record(new SourceProgress(0, T, false), now);
            watermarks.record(new SourceProgress(1, T + 5_000, false), now);
        }

        assertThat(watermarks.closableUpTo(now)).hasValue(now - IDLE_AFTER);
    }

    @Test
    void an_idle_partition_ahead_of_the_wall_clock_counts_at_its_own_stream_time() {
        SourceWatermarks watermarks = started();
        long ahead = now + 120_000; // a gateway whose clock runs two minutes fast
        watermarks.record(new SourceProgress(0, ahead, true), now);
        now += IDLE_AFTER;
        watermarks.record(new SourceProgress(0, ahead, false), now);

        assertThat(watermarks.closableUpTo(now)).hasValue(ahead);
    }

    @Test
    void a_partition_reading_before_it_has_a_stream_time_holds_everything() {
        SourceWatermarks watermarks = started();
        watermarks.record(new SourceProgress(0, T, true), now);
        watermarks.record(new SourceProgress(1, -1, true), now);

        assertThat(watermarks.closableUpTo(now)).isEmpty();
    }

    @Test
    void stream_times_never_go_back_and_survive_a_restart_where_every_known_partition_counts_as_reading() {
        SourceWatermarks before = started();
        before.record(new SourceProgress(0, T + 120_000, true), now);
        before.record(new SourceProgress(0, T, true), now);
        before.record(new SourceProgress(1, T + 60_000, true), now);
        assertThat(before.closableUpTo(now)).hasValue(T + 60_000);

        SourceWatermarks after = started();
        assertThat(after.closableUpTo(now)).as("restored, and partition 1 may have a backlog now").hasValue(T + 60_000);
    }
}

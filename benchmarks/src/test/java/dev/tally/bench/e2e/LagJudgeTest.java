package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;

class LagJudgeTest {
    private static final double RATE = 10_000;
    private static final double STEP = 120;
    private static final double LIMIT = 15;

    private static List<LagJudge.Sample> everySecond(IntToLongFunction lagAt) {
        List<LagJudge.Sample> samples = new ArrayList<>();
        for (int second = 0; second < STEP; second++) {
            samples.add(new LagJudge.Sample(second, lagAt.applyAsLong(second)));
        }
        return samples;
    }

    @Test
    void a_sawtooth_from_commits_every_second_is_bounded() {
        // The aggregator commits once a second: up to one second of input waits, then drops to almost nothing.
        LagJudge.Verdict verdict = LagJudge.judge(everySecond(s -> s % 2 == 0 ? 10_000 : 500), RATE, STEP, LIMIT);

        assertThat(verdict.bounded()).isTrue();
        assertThat(verdict.maxLagSeconds()).isEqualTo(1.0);
        assertThat(verdict.maxLagRecords()).isEqualTo(10_000);
    }

    @Test
    void a_backlog_left_by_the_previous_step_is_forgiven_if_it_drains_in_the_first_half() {
        LagJudge.Verdict verdict = LagJudge.judge(everySecond(s -> Math.max(2_000, 500_000 - s * 10_000L)), RATE, STEP, LIMIT);

        assertThat(verdict.bounded()).isTrue();
        assertThat(verdict.growthSeconds()).isLessThanOrEqualTo(0);
    }

    @Test
    void a_lag_that_passes_the_limit_in_the_judged_half_is_not_bounded() {
        // Falling behind by 20% of the input: 2,000 records a second, 24 s of input by the end.
        LagJudge.Verdict verdict = LagJudge.judge(everySecond(s -> s * 2_000L), RATE, STEP, LIMIT);

        assertThat(verdict.bounded()).isFalse();
        assertThat(verdict.maxLagSeconds()).isCloseTo(23.8, within(0.01));
    }

    @Test
    void a_lag_that_starts_growing_mid_step_fails_on_its_trend_before_it_reaches_the_limit() {
        // Keeping up for a minute, then 2,000 records a second behind: 11.8 s of input at the end, under the
        // limit, but one more step at that trend adds 24 s.
        LagJudge.Verdict verdict = LagJudge.judge(everySecond(s -> s < 60 ? 0 : (s - 60) * 2_000L), RATE, STEP, LIMIT);

        assertThat(verdict.maxLagSeconds()).isCloseTo(11.8, within(0.01)).isLessThan(LIMIT);
        assertThat(verdict.growthSeconds()).isCloseTo(24.0, within(0.01));
        assertThat(verdict.bounded()).isFalse();
    }

    @Test
    void lag_without_any_input_is_infinite_and_not_bounded() {
        LagJudge.Verdict verdict = LagJudge.judge(everySecond(s -> 5), 0, STEP, LIMIT);

        assertThat(verdict.bounded()).isFalse();
        assertThat(verdict.maxLagSeconds()).isInfinite();
    }

    @Test
    void no_lag_and_no_input_is_bounded() {
        assertThat(LagJudge.judge(everySecond(s -> 0), 0, STEP, LIMIT).bounded()).isTrue();
    }

    @Test
    void the_slope_is_the_least_squares_fit_in_records_per_second() {
        List<LagJudge.Sample> line = List.of(new LagJudge.Sample(0, 100), new LagJudge.Sample(1, 300), new LagJudge.Sample(2, 500));

        assertThat(LagJudge.slope(line)).isEqualTo(200.0);
        assertThat(LagJudge.slope(List.of(new LagJudge.Sample(3, 9)))).isZero();
    }
}

package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class E2eReportTest {
    private static final E2eReport.Machine MACHINE = new E2eReport.Machine(2, 23.5, "AMD EPYC", "OpenJDK 17", "6.1", "0.30 0.40 0.50 1/99 1",
            "yes", Instant.parse("2026-11-23T01:00:00Z"));

    private static E2eSettings settings() {
        return E2eSettings.parse(new String[] {"--rates", "5000,10000,20000", "--command", "bench/e2e.sh"});
    }

    private static StepResult sustainedWithFreshness(double rate, long... millis) {
        StepResult step = StepResultTest.step(rate, rate, StepResultTest.BOUNDED, StepResultTest.BOUNDED, StepResultTest.BOUNDED, 0.3, 1.2);
        for (long value : millis) {
            step.freshness().seen(value);
        }
        return step;
    }

    private static TruthCheck.Result truth() {
        return new TruthCheck.Result(List.of(new TruthCheck.SiteCheck("e2e-site-1", 1_000, 1_000, 40, 40, 300, 301)), 0, 6);
    }

    private static E2eReport.Run run(List<StepResult> steps, double highest, double first) {
        return new E2eReport.Run(settings(), MACHINE, steps, highest, first, StepResultTest.rates(8_000), Duration.ofSeconds(600), 12, truth(),
                "traffic summary", 2_400, 0, Map.of(EndToEndBenchmark.GATEWAY, 300.0), List.of());
    }

    @Test
    void the_headline_shows_each_target_with_its_verdict() {
        StepResult limit = StepResultTest.step(20_000, 20_000, StepResultTest.BOUNDED, StepResultTest.GROWING, StepResultTest.BOUNDED, 0.4, 1.97);
        String report = E2eReport.render(run(List.of(sustainedWithFreshness(5_000, 700), sustainedWithFreshness(10_000, 900, 1_500, 2_600), limit),
                10_000, 20_000));

        assertThat(report).startsWith("Last run: 2026-11-23T01:00:00Z, `bench/e2e.sh`.");
        assertThat(report).contains("| sustained end to end ≥ 20,000 events/s | 10,000 events/s (20,000 not sustained) | **not met** |");
        assertThat(report).contains("| freshness p99 ≤ 2 s at 10,000 events/s | p50 1.50 s, p99 2.60 s (3 probes) | **not met** |");
        assertThat(report).contains("**What limits it** (the step at 20,000 events/s): the Cassandra sink, raw events");
        assertThat(report).contains("| ground truth: totals exact, visitors within the sketch error | passed:");
    }

    @Test
    void met_targets_say_met() {
        String report = E2eReport.render(run(List.of(sustainedWithFreshness(5_000, 500), sustainedWithFreshness(10_000, 800, 1_200),
                sustainedWithFreshness(20_000, 900)), 20_000, Double.NaN));

        assertThat(report).contains("| 20,000 events/s (every step of the ramp; the ramp ended there) | **met** |");
        assertThat(report).contains("p50 0.80 s, p99 1.20 s (2 probes) | **met** |");
        assertThat(report).doesNotContain("What limits it");
    }

    @Test
    void every_step_has_a_row_of_throughput_and_one_of_cpu() {
        String report = E2eReport.render(run(List.of(sustainedWithFreshness(5_000, 500), sustainedWithFreshness(10_000, 800)), 10_000, Double.NaN));

        assertThat(report).contains("| 5,000 | 5,000 | 5,000 | 1,250 | 5,000 / 2,000 |");
        assertThat(report).contains("| 10,000 | 0.80 | 0.50 | 0.30 |");
        assertThat(report).contains("| e2e-site-1 | 1,000 / 1,000 | 40 / 40 | 301 / 300 (+0.33%) |");
    }

    @Test
    void a_ramp_that_never_reached_the_freshness_rate_says_so() {
        StepResult failed = StepResultTest.step(5_000, 3_000, StepResultTest.BOUNDED, StepResultTest.BOUNDED, StepResultTest.BOUNDED, 0.3, 1.0);

        String report = E2eReport.render(run(List.of(failed), Double.NaN, 5_000));

        assertThat(report).contains("| no step sustained | **not met** |");
        assertThat(report).contains("not reached: the ramp stopped below it");
    }

    @Test
    void freshness_by_stage_names_the_stage_that_adds_most() {
        Freshness freshness = new Freshness(60_000);
        for (int i = 0; i < 10; i++) {
            freshness.seen(3_400, OptionalLong.of(900), OptionalLong.of(2_100));
        }

        assertThat(E2eReport.freshnessStages(freshness)).isEqualTo("medians 0.90 s to the enriched event, 2.10 s to the minute rollup,"
                + " 3.40 s to counted; the largest share, 1.30 s, is the sink's flush, Cassandra and the query API (to counted)");
    }

    @Test
    void freshness_by_stage_is_unknown_without_sightings() {
        Freshness freshness = new Freshness(60_000);
        freshness.seen(3_400);

        assertThat(E2eReport.freshnessStages(freshness)).startsWith("not known");
    }

    @Test
    void the_report_has_a_row_of_freshness_by_stage_per_step() {
        StepResult step = StepResultTest.step(1_000, 1_000, StepResultTest.BOUNDED, StepResultTest.BOUNDED, StepResultTest.BOUNDED, 0.4, 1.2);
        step.freshness().seen(3_000, OptionalLong.of(1_000), OptionalLong.of(2_000));
        String report = E2eReport.render(run(List.of(step), 1_000, Double.NaN));

        assertThat(report).contains("#### Freshness by stage");
        assertThat(report).contains("| 1,000 | 1.00 s / 1.00 s (1) | 2.00 s / 2.00 s (1) | 3.00 s / 3.00 s (1) |");
    }
}

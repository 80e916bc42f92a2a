package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.bench.proc.CpuUsage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepResultTest {
    static final LagJudge.Verdict BOUNDED = new LagJudge.Verdict(true, 1.2, 0.4, -0.5, 12_000);
    static final LagJudge.Verdict GROWING = new LagJudge.Verdict(false, 40, 40, 80, 400_000);

    static StageCounters.Rates rates(double accepted) {
        return new StageCounters.Rates(60, accepted, accepted, accepted, accepted / 4, Map.of("raw_events", accepted / 50,
                "rollup_hours", 200.0), Map.of("raw_events", accepted, "rollup_hours", 2_000.0), accepted * 60);
    }

    static Map<String, Double> cores(double machine) {
        return Map.of(EndToEndBenchmark.GATEWAY, 0.8, EndToEndBenchmark.AGGREGATOR, 0.5, EndToEndBenchmark.SINK, 0.3,
                EndToEndBenchmark.KAFKA, 0.2, EndToEndBenchmark.CASSANDRA, 0.1, CpuUsage.MACHINE, machine);
    }

    static StepResult step(double target, double accepted, LagJudge.Verdict aggregator, LagJudge.Verdict sinkRaw, LagJudge.Verdict rollups,
                           double generatorCores, double machine) {
        return new StepResult(target, rates(accepted), aggregator, sinkRaw, rollups, new Freshness(60_000), cores(machine), Map.of(),
                generatorCores, 0);
    }

    @Test
    void a_step_is_sustained_when_the_gateway_takes_the_rate_and_every_group_keeps_up() {
        StepResult step = step(10_000, 9_990, BOUNDED, BOUNDED, BOUNDED, 0.3, 1.2);

        assertThat(step.sustained()).isTrue();
        assertThat(step.limitingStage(2)).isEmpty();
    }

    @Test
    void a_gateway_below_95_percent_of_the_rate_limits_it() {
        StepResult step = step(20_000, 17_000, BOUNDED, BOUNDED, BOUNDED, 0.4, 1.5);

        assertThat(step.sustained()).isFalse();
        assertThat(step.limitingStage(2)).startsWith("the gateway: accepted 17,000 of 20,000 events/s").contains("gateway 0.80 cores");
    }

    @Test
    void a_busy_generator_thread_is_blamed_rather_than_the_gateway() {
        assertThat(step(30_000, 20_000, BOUNDED, BOUNDED, BOUNDED, 0.97, 1.5).limitingStage(2)).startsWith("the load generator");
    }

    @Test
    void the_first_stage_along_the_pipeline_that_fell_behind_is_named() {
        assertThat(step(20_000, 20_000, GROWING, GROWING, BOUNDED, 0.4, 1.5).limitingStage(2)).startsWith("the stream aggregator");
        assertThat(step(20_000, 20_000, BOUNDED, GROWING, GROWING, 0.4, 1.5).limitingStage(2)).startsWith("the Cassandra sink, raw events");
        assertThat(step(20_000, 20_000, BOUNDED, BOUNDED, GROWING, 0.4, 1.5).limitingStage(2)).startsWith("the Cassandra sink, rollups");
    }

    @Test
    void a_saturated_machine_is_said_as_well() {
        assertThat(step(20_000, 20_000, GROWING, BOUNDED, BOUNDED, 0.4, 1.98).limitingStage(2))
                .contains("the machine's 2 cores were saturated (1.98 busy), so every stage competed for CPU").endsWith("above all more cores, as every process shares the same ones");
    }

    @Test
    void refused_events_mean_the_step_was_not_sustained() {
        StepResult step = new StepResult(1_000, rates(1_000), BOUNDED, BOUNDED, BOUNDED, new Freshness(1), cores(1), Map.of(), 0.1, 3);

        assertThat(step.sustained()).isFalse();
        assertThat(step.limitingStage(2)).contains("3 events refused or unanswered");
    }

    @Test
    void stage_rates_are_differences_per_second_and_writes_are_counted_per_accepted_event() {
        StageCounters before = new StageCounters(0, 1_000, 1_000, 900, 100, Map.of("raw_events", 10.0), Map.of("raw_events", 500.0));
        StageCounters after = new StageCounters(2_000_000_000L, 21_000, 21_000, 20_900, 2_100,
                Map.of("raw_events", 410.0, "rollup_days", 200.0), Map.of("raw_events", 20_500.0, "rollup_days", 2_000.0));

        StageCounters.Rates rates = after.since(before);

        assertThat(rates.gatewayAccepted()).isEqualTo(10_000.0);
        assertThat(rates.enriched()).isEqualTo(10_000.0);
        assertThat(rates.rollups()).isEqualTo(1_000.0);
        assertThat(rates.sinkWrites()).containsEntry("raw_events", 200.0).containsEntry("rollup_days", 100.0);
        assertThat(rates.writesPerEvent()).isEqualTo(0.03);
        assertThat(rates.rowsPerEvent()).isEqualTo(1.1);
        assertThat(rates.acceptedEvents()).isEqualTo(20_000.0);
    }
}

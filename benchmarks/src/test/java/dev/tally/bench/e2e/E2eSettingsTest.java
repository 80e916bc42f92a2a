package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class E2eSettingsTest {

    @Test
    void defaults_ramp_to_30000_with_three_minute_steps_and_judge_freshness_at_half_the_target() {
        E2eSettings settings = E2eSettings.parse(new String[0]);

        assertThat(settings.rates()).containsExactly(2_500.0, 5_000.0, 10_000.0, 15_000.0, 20_000.0, 25_000.0, 30_000.0);
        assertThat(settings.step()).isEqualTo(Duration.ofMinutes(3));
        assertThat(settings.freshnessRate()).isEqualTo(settings.targetRate() / 2);
        assertThat(settings.heaps()).containsEntry(EndToEndBenchmark.GATEWAY, "256m").containsEntry(EndToEndBenchmark.SINK, "512m");
    }

    @Test
    void service_settings_may_be_changed_for_an_experiment() {
        E2eSettings settings = E2eSettings.parse(new String[] {"--set", "sink.rollups.flush-interval=1s", "--set", "aggregator.stream-threads=2",
                "--heaps", "sink=1g"});

        assertThat(settings.overrides()).containsEntry("sink.rollups.flush-interval", "1s").containsEntry("aggregator.stream-threads", "2");
        assertThat(settings.heaps()).containsEntry(EndToEndBenchmark.SINK, "1g");
    }

    @Test
    void unknown_options_and_bad_values_are_refused_by_name() {
        assertThatThrownBy(() -> E2eSettings.parse(new String[] {"--speed", "9"})).hasMessageContaining("Unknown option --speed");
        assertThatThrownBy(() -> E2eSettings.parse(new String[] {"--set", "novalue"})).hasMessageContaining("key=value");
        assertThatThrownBy(() -> E2eSettings.parse(new String[] {"--heaps", "broker=1g"})).hasMessageContaining("--heaps");
        assertThatThrownBy(() -> E2eSettings.parse(new String[] {"--probe-timeout", "3600"})).hasMessageContaining("--probe-timeout");
        assertThatThrownBy(() -> E2eSettings.parse(new String[] {"--step", "0"})).hasMessageContaining("above 0");
    }
}

package dev.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrafficOptionsTest {
    @Test
    void durations_are_seconds_minutes_or_hours() {
        assertThat(TallyLauncher.parseDuration("90", "--duration")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TallyLauncher.parseDuration("90s", "--duration")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TallyLauncher.parseDuration("15m", "--duration")).isEqualTo(Duration.ofMinutes(15));
        assertThat(TallyLauncher.parseDuration("2H", "--duration")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void a_bad_duration_is_a_usage_error_naming_the_option() {
        assertThatThrownBy(() -> TallyLauncher.parseDuration("0s", "--duration"))
                .isInstanceOf(TallyLauncher.UsageException.class).hasMessageContaining("--duration");
        assertThatThrownBy(() -> TallyLauncher.parseDuration("5d", "--duration"))
                .isInstanceOf(TallyLauncher.UsageException.class).hasMessageContaining("90s, 15m or 2h");
        assertThatThrownBy(() -> TallyLauncher.parseDuration("soon", "--duration"))
                .isInstanceOf(TallyLauncher.UsageException.class);
    }
}

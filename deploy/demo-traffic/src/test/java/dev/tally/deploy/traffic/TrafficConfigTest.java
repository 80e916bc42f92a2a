package dev.tally.deploy.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.deploy.traffic.model.TrafficMix;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrafficConfigTest {
    private static final TrafficMix MIX = TrafficMix.defaults(1, 3);

    @Test
    void connections_grow_with_the_rate_within_bounds() {
        assertThat(TrafficConfig.of(MIX, 20, null).connections()).isEqualTo(8);
        assertThat(TrafficConfig.of(MIX, 2_000, null).connections()).isEqualTo(100);
        assertThat(TrafficConfig.of(MIX, 100_000, null).connections()).isEqualTo(1024);
    }

    @Test
    void rejects_a_rate_duration_or_limit_that_cannot_work() {
        assertThatThrownBy(() -> TrafficConfig.of(MIX, 0, null)).hasMessageContaining("rate");
        assertThatThrownBy(() -> TrafficConfig.of(MIX, 10, Duration.ZERO)).hasMessageContaining("duration");
        assertThatThrownBy(() -> TrafficConfig.of(MIX, 10, null).withHitLimit(-1)).hasMessageContaining("limit");
    }

    @Test
    void the_mix_refuses_shares_outside_zero_to_one_and_unregistrable_prefixes() {
        assertThatThrownBy(() -> MIX.withShares(1.5, 0.3, 0.03, 0.2)).hasMessageContaining("botShare");
        assertThatThrownBy(() -> MIX.withSiteIdPrefix("Bad Prefix")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> MIX.withLateness(Duration.ofSeconds(1), Duration.ofMinutes(5))).hasMessageContaining("maxLateness");
    }
}

package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ProbeStagesTest {

    @Test
    void a_probe_page_gives_its_number() {
        assertThat(ProbeStages.probeNumber(FreshnessProbe.path(1234))).isEqualTo(OptionalInt.of(1234));
    }

    @Test
    void other_pages_are_not_probes() {
        assertThat(ProbeStages.probeNumber("/pricing")).isEmpty();
        assertThat(ProbeStages.probeNumber("/probe-")).isEmpty();
        assertThat(ProbeStages.probeNumber("/probe-12/x")).isEmpty();
        assertThat(ProbeStages.probeNumber(null)).isEmpty();
    }
}

package dev.tally.bench.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GcLogTest {

    @Test
    void sums_pauses_and_finds_full_collections_and_the_live_set() {
        String log = """
                [0.006s][info][gc] Using G1
                [3.210s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 23M->5M(256M) 3.512ms
                [9.876s][info][gc] GC(1) Pause Young (Concurrent Start) (G1 Humongous Allocation) 120M->40M(256M) 5.001ms
                [9.880s][info][gc] GC(2) Concurrent Mark Cycle
                [9.990s][info][gc] GC(2) Pause Remark 50M->50M(256M) 1.250ms
                [10.010s][info][gc] GC(2) Pause Cleanup 50M->50M(256M) 0.050ms
                [10.020s][info][gc] GC(2) Concurrent Mark Cycle 140.000ms
                [60.500s][info][gc] GC(3) Pause Full (G1 Compaction Pause) 250M->200M(256M) 80.100ms
                """;

        GcLog gc = GcLog.parse(log);

        assertThat(gc.pauses()).isEqualTo(5);
        assertThat(gc.fullGcs()).isEqualTo(1);
        assertThat(gc.pauseMillis()).isCloseTo(89.913, within(0.001));
        assertThat(gc.maxPauseMillis()).isCloseTo(80.1, within(0.001));
        assertThat(gc.maxLiveMiB()).isEqualTo(200);
        assertThat(gc.heapMiB()).isEqualTo(256);
        assertThat(gc.logSeconds()).isCloseTo(60.5, within(0.001));
    }
}

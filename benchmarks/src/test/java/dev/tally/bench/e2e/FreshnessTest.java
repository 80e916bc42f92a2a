package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FreshnessTest {

    @Test
    void percentiles_are_nearest_rank_over_the_probes_seen() {
        Freshness freshness = new Freshness(60_000);
        for (long millis = 1; millis <= 100; millis++) {
            freshness.seen(millis * 10);
        }

        assertThat(freshness.percentile(50)).isEqualTo(new Freshness.Quantile(500, false));
        assertThat(freshness.percentile(99)).isEqualTo(new Freshness.Quantile(990, false));
        assertThat(freshness.percentile(100)).isEqualTo(new Freshness.Quantile(1000, false));
    }

    @Test
    void probes_never_counted_rank_last_so_an_overloaded_step_cannot_look_fresh() {
        Freshness freshness = new Freshness(60_000);
        for (int i = 0; i < 98; i++) {
            freshness.seen(800);
        }
        freshness.notSeen();
        freshness.notSeen();

        assertThat(freshness.count()).isEqualTo(100);
        assertThat(freshness.percentile(50)).isEqualTo(new Freshness.Quantile(800, false));
        Freshness.Quantile p99 = freshness.percentile(99);
        assertThat(p99.aboveTimeout()).isTrue();
        assertThat(p99.format()).isEqualTo("> 60 s");
    }

    @Test
    void a_step_without_probes_has_no_percentile() {
        assertThat(new Freshness(1_000).percentile(99).format()).isEqualTo("n/a");
    }

    @Test
    void times_are_shown_in_seconds() {
        assertThat(new Freshness.Quantile(1234, false).format()).isEqualTo("1.23 s");
        assertThat(new Freshness.Quantile(45_000, false).format()).isEqualTo("45 s");
    }

    @Test
    void each_stage_has_its_own_percentiles_over_the_probes_whose_arrival_there_was_seen() {
        Freshness freshness = new Freshness(60_000);
        for (long i = 1; i <= 100; i++) {
            freshness.seen(3_000 + i, OptionalLong.of(1_000 + i), i % 2 == 0 ? OptionalLong.of(2_000 + i) : OptionalLong.empty());
        }
        freshness.notSeen();

        assertThat(freshness.stageCount(Freshness.Stage.ENRICHED)).isEqualTo(100);
        assertThat(freshness.stageCount(Freshness.Stage.MINUTE_ROLLUP)).isEqualTo(50);
        assertThat(freshness.stageCount(Freshness.Stage.COUNTED)).isEqualTo(100);
        assertThat(freshness.stagePercentile(Freshness.Stage.ENRICHED, 50)).isEqualTo(1_050);
        assertThat(freshness.stagePercentile(Freshness.Stage.MINUTE_ROLLUP, 99)).isEqualTo(2_100);
        assertThat(freshness.stagePercentile(Freshness.Stage.COUNTED, 50)).isEqualTo(3_050);
        // The probe never counted is in the overall percentiles only.
        assertThat(freshness.count()).isEqualTo(101);
    }

    @Test
    void a_stage_nobody_saw_has_no_percentile() {
        Freshness freshness = new Freshness(60_000);
        freshness.seen(900);

        assertThat(freshness.stagePercentile(Freshness.Stage.ENRICHED, 50)).isNaN();
        assertThat(freshness.stagePercentile(Freshness.Stage.COUNTED, 50)).isEqualTo(900);
    }
}

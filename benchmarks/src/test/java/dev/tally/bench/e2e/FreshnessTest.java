package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
}

package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TruthCheckTest {

    @Test
    void the_sketch_error_is_that_of_4096_registers() {
        assertThat(TruthCheck.SKETCH_RSE).isCloseTo(0.01625, within(1e-5));
        assertThat(TruthCheck.VISITOR_TOLERANCE).isCloseTo(0.04875, within(1e-5));
    }

    @Test
    void equal_counts_and_visitors_within_the_tolerance_pass() {
        TruthCheck.SiteCheck site = new TruthCheck.SiteCheck("a", 1_000, 1_000, 50, 50, 10_000, 10_400);

        assertThat(site.countsExact()).isTrue();
        assertThat(site.visitorError()).isCloseTo(0.04, within(1e-9));
        assertThat(site.passed()).isTrue();
    }

    @Test
    void one_page_view_too_many_fails() {
        TruthCheck.SiteCheck site = new TruthCheck.SiteCheck("a", 1_000, 1_001, 50, 50, 10, 10);

        assertThat(site.passed()).isFalse();
    }

    @Test
    void visitors_off_by_more_than_three_standard_errors_fail() {
        assertThat(new TruthCheck.SiteCheck("a", 1, 1, 0, 0, 10_000, 9_400).visitorsWithin()).isFalse();
        assertThat(new TruthCheck.SiteCheck("a", 0, 0, 0, 0, 0, 0).visitorsWithin()).isTrue();
        assertThat(new TruthCheck.SiteCheck("a", 0, 0, 0, 0, 0, 3).visitorsWithin()).isFalse();
    }

    @Test
    void events_without_an_answer_make_exactness_unprovable() {
        List<TruthCheck.SiteCheck> exact = List.of(new TruthCheck.SiteCheck("a", 5, 5, 1, 1, 2, 2));

        assertThat(new TruthCheck.Result(exact, 0, 3).passed()).isTrue();
        TruthCheck.Result uncertain = new TruthCheck.Result(exact, 4, 3);
        assertThat(uncertain.passed()).isFalse();
        assertThat(uncertain.summary()).contains("4 events got no answer");
    }

    @Test
    void totals_and_errors_sum_over_sites() {
        TruthCheck.Result result = new TruthCheck.Result(List.of(
                new TruthCheck.SiteCheck("a", 100, 100, 10, 10, 1_000, 1_010),
                new TruthCheck.SiteCheck("b", 200, 199, 20, 20, 1_000, 980)), 0, 1);

        assertThat(result.pageviews()).isEqualTo(299);
        assertThat(result.expectedPageviews()).isEqualTo(300);
        assertThat(result.exactSites()).isEqualTo(1);
        assertThat(result.maxVisitorError()).isCloseTo(0.02, within(1e-9));
        assertThat(result.rmsVisitorError()).isCloseTo(Math.sqrt((0.0001 + 0.0004) / 2), within(1e-9));
        assertThat(result.passed()).isFalse();
    }
}

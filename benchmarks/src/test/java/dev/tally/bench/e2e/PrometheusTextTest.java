package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final String METRICS = """
            # HELP tally_sink_writes_total Writes acknowledged: Cassandra requests, or dead letters
            # TYPE tally_sink_writes_total counter
            tally_sink_writes_total{kind="raw_events",service="cassandra-sink"} 120.0
            tally_sink_writes_total{kind="rollup_hours",service="cassandra-sink"} 30.0
            tally_sink_writes_total{service="cassandra-sink",kind="rollup_days"} 45.0
            tally_sink_writes_total_other{kind="raw_events"} 999.0
            tally_gateway_events_accepted_total{endpoint="pixel"} 1.0E7
            tally_gateway_events_accepted_total{endpoint="events"} 2500.0
            process_uptime_seconds 12.5
            """;

    @Test
    void sums_every_label_set_of_a_metric_and_nothing_with_a_longer_name() {
        assertThat(PrometheusText.sum(METRICS, "tally_sink_writes_total")).isEqualTo(195.0);
        assertThat(PrometheusText.sum(METRICS, "tally_gateway_events_accepted_total")).isEqualTo(10_002_500.0);
        assertThat(PrometheusText.sum(METRICS, "process_uptime_seconds")).isEqualTo(12.5);
    }

    @Test
    void groups_by_a_label_wherever_it_stands() {
        assertThat(PrometheusText.byLabel(METRICS, "tally_sink_writes_total", "kind"))
                .containsEntry("raw_events", 120.0).containsEntry("rollup_hours", 30.0).containsEntry("rollup_days", 45.0)
                .hasSize(3);
    }

    @Test
    void a_missing_metric_is_zero() {
        assertThat(PrometheusText.sum(METRICS, "tally_sink_rows_written_total")).isZero();
        assertThat(PrometheusText.byLabel(METRICS, "tally_sink_rows_written_total", "kind")).isEmpty();
    }
}

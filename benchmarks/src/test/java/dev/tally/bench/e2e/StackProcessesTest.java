package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackProcessesTest {
    private static final Map<String, Integer> PORTS = Map.of(EndToEndBenchmark.GATEWAY, 18080, EndToEndBenchmark.QUERY, 18081,
            EndToEndBenchmark.AGGREGATOR, 18082, EndToEndBenchmark.SINK, 18083);

    private static Map<String, String> settings(Map<String, String> overrides) {
        return StackProcesses.settings("e2e", "127.0.0.1:29092", "127.0.0.1:29042", "datacenter1", Path.of("/tmp/state"), PORTS, overrides);
    }

    @Test
    void services_share_the_launchers_namespace_keyspace_and_consumer_groups() {
        assertThat(settings(Map.of()))
                .containsEntry("kafka.bootstrap-servers", "127.0.0.1:29092")
                .containsEntry("topics.namespace", "e2e")
                .containsEntry("cassandra.keyspace", "e2e")
                .containsEntry("cassandra.contact-points", "127.0.0.1:29042")
                .containsEntry("aggregator.application-id", StackProcesses.aggregatorGroup("e2e"))
                .containsEntry("sink.consumer-group", StackProcesses.sinkGroup("e2e"))
                .containsEntry("aggregator.state-dir", "/tmp/state");
    }

    @Test
    void every_service_listens_on_loopback_on_its_own_port_and_the_gateway_trusts_the_local_generator() {
        assertThat(settings(Map.of()))
                .containsEntry("gateway.http.host", "127.0.0.1").containsEntry("gateway.http.port", "18080")
                .containsEntry("query.http.host", "127.0.0.1").containsEntry("query.http.port", "18081")
                .containsEntry("aggregator.admin.host", "127.0.0.1").containsEntry("aggregator.admin.port", "18082")
                .containsEntry("sink.admin.host", "127.0.0.1").containsEntry("sink.admin.port", "18083")
                .containsEntry("gateway.trusted-proxies", "127.0.0.1/32,::1/128");
    }

    @Test
    void overrides_of_an_experiment_win() {
        assertThat(settings(Map.of("sink.rollups.flush-interval", "1s", "topics.namespace", "other")))
                .containsEntry("sink.rollups.flush-interval", "1s").containsEntry("topics.namespace", "other");
    }

    @Test
    void settings_become_the_tally_environment_variables_services_read() {
        assertThat(StackProcesses.environment(Map.of("sink.rollups.flush-interval", "1s", "kafka.bootstrap-servers", "h:1")))
                .containsOnly(Map.entry("TALLY_SINK_ROLLUPS_FLUSH_INTERVAL", "1s"), Map.entry("TALLY_KAFKA_BOOTSTRAP_SERVERS", "h:1"));
    }
}

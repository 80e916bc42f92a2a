package dev.tally.sink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.tally.common.config.ConfigException;
import dev.tally.common.config.ConfigSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkConfigTest {
    private static SinkConfig load(Map<String, String> overrides) {
        return SinkConfig.from(ConfigSource.load(SinkConfig.DEFAULTS, Map.of(), overrides));
    }

    @Test
    void the_defaults_suit_a_local_single_node() {
        SinkConfig config = load(Map.of());

        assertThat(config.cassandra().consistency()).isEqualTo(DefaultConsistencyLevel.ONE);
        assertThat(config.rawEventsGroup()).isEqualTo("tally-cassandra-sink.raw-events");
        assertThat(config.rollupsGroup()).isEqualTo("tally-cassandra-sink.rollups");
        assertThat(config.rollupFlushInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxInFlightWrites()).isEqualTo(32);
    }

    @Test
    void a_cluster_takes_local_quorum_and_its_replication_from_configuration() {
        SinkConfig config = load(Map.of("cassandra.consistency", "local_quorum",
                "cassandra.replication", "{'class': 'NetworkTopologyStrategy', 'dc1': 3}"));

        assertThat(config.cassandra().consistency()).isEqualTo(DefaultConsistencyLevel.LOCAL_QUORUM);
        assertThat(config.cassandra().replication()).contains("NetworkTopologyStrategy");
    }

    @Test
    void a_bad_value_names_its_key() {
        assertThatThrownBy(() -> load(Map.of("sink.retry.initial-backoff", "0s"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.retry.initial-backoff");
        assertThatThrownBy(() -> load(Map.of("sink.retry.max-backoff", "10ms"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.retry.max-backoff");
        assertThatThrownBy(() -> load(Map.of("sink.max-in-flight-writes", "0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sink.max-in-flight-writes");
    }
}

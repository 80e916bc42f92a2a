package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private final Path dir = Path.of("/var/tally");

    @Test
    void defaults_are_the_well_known_ports_on_loopback() {
        LocalClusterSettings settings = LocalClusterSettings.defaults(dir);

        assertThat(settings.kafka()).isEqualTo(new KafkaSettings(dir.resolve("kafka"), "127.0.0.1", 9092, 9093, "1g"));
        assertThat(settings.cassandra())
                .isEqualTo(new CassandraSettings(dir.resolve("cassandra"), "127.0.0.1", 9042, 7000, "1g"));
    }

    @Test
    void free_ports_differ_from_each_other_and_from_the_defaults() {
        LocalClusterSettings settings = LocalClusterSettings.onFreePorts(dir);

        assertThat(new int[] {settings.kafka().port(), settings.kafka().controllerPort(),
                settings.cassandra().cqlPort(), settings.cassandra().storagePort()})
                .doesNotHaveDuplicates()
                .doesNotContain(9092, 9093, 9042, 7000);
        assertThat(settings.kafka().dataDir()).isEqualTo(dir.resolve("kafka"));
        assertThat(settings.cassandra().dataDir()).isEqualTo(dir.resolve("cassandra"));
    }

    @Test
    void relative_data_directories_become_absolute() {
        assertThat(KafkaSettings.defaults(Path.of("data")).dataDir()).isAbsolute();
    }

    @Test
    void rejects_bad_values_naming_the_setting() {
        assertThatThrownBy(() -> new KafkaSettings(dir, "127.0.0.1", 0, 9093, "1g"))
                .hasMessageContaining("kafka.port");
        assertThatThrownBy(() -> new KafkaSettings(dir, "127.0.0.1", 9092, 9092, "1g"))
                .hasMessageContaining("kafka.controllerPort");
        assertThatThrownBy(() -> new CassandraSettings(dir, " ", 9042, 7000, "1g"))
                .hasMessageContaining("cassandra.host");
        assertThatThrownBy(() -> new CassandraSettings(dir, "127.0.0.1", 9042, 7000, "lots"))
                .hasMessageContaining("cassandra.maxHeap");
        assertThatThrownBy(() -> new CassandraSettings(dir, "127.0.0.1", 9042, 70_000, "1g"))
                .hasMessageContaining("cassandra.storagePort");
    }
}

package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CassandraConfigTest {

    private final CassandraConfig config = new CassandraConfig(
            new CassandraSettings(Path.of("/var/tally/cassandra"), "127.0.0.1", 19042, 17000, "512m"));

    @Test
    void yaml_has_every_mandatory_key() {
        assertThat(config.yamlText())
                .contains("\ncluster_name: ")
                .contains("\npartitioner: org.apache.cassandra.dht.Murmur3Partitioner\n")
                .contains("\nendpoint_snitch: SimpleSnitch\n")
                .contains("class_name: org.apache.cassandra.locator.SimpleSeedProvider")
                .contains("- seeds: '127.0.0.1:17000'")
                .contains("\ncommitlog_sync: periodic\n")
                .contains("\ncommitlog_sync_period: 10000ms\n")
                .contains("\nlisten_address: '127.0.0.1'\n")
                .contains("\nrpc_address: '127.0.0.1'\n")
                .contains("\nstorage_port: 17000\n")
                .contains("\nnative_transport_port: 19042\n");
    }

    @Test
    void yaml_keeps_every_directory_under_the_data_directory() {
        assertThat(config.yamlText())
                .contains("\n  - '/var/tally/cassandra/data'\n")
                .contains("\ncommitlog_directory: '/var/tally/cassandra/commitlog'\n")
                .contains("\nsaved_caches_directory: '/var/tally/cassandra/saved_caches'\n")
                .contains("\nhints_directory: '/var/tally/cassandra/hints'\n")
                .contains("\ncdc_raw_directory: '/var/tally/cassandra/cdc_raw'\n");
    }

    @Test
    void yaml_is_sized_for_one_node_on_a_small_machine() {
        assertThat(config.yamlText())
                .contains("\nnum_tokens: 1\n")
                .contains("\nauto_snapshot: false\n")
                .contains("\nhinted_handoff_enabled: false\n")
                .contains("\nmemtable_heap_space: 128MiB\n")
                .contains("\nconcurrent_compactors: 1\n");
    }

    @Test
    void quotes_paths_for_yaml() {
        CassandraConfig odd = new CassandraConfig(
                new CassandraSettings(Path.of("/tmp/it's here"), "127.0.0.1", 19042, 17000, "1g"));

        assertThat(odd.yamlText()).contains("commitlog_directory: '/tmp/it''s here/commitlog'");
    }

    @Test
    void logback_logs_info_to_a_file_and_warn_to_stdout() {
        assertThat(config.logbackText())
                .contains("<file>/var/tally/cassandra/logs/system.log</file>")
                .contains("<level>WARN</level>")
                .contains("<root level=\"INFO\">");
    }

    @Test
    void jvm_options_open_the_jdk_internals_cassandra_needs() {
        assertThat(config.jvmOptions())
                .containsSequence("--add-opens", "java.base/java.lang=ALL-UNNAMED")
                .containsSequence("--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED")
                .containsSequence("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED")
                .contains("-Djdk.attach.allowAttachSelf=true", "-Dio.netty.tryReflectionSetAccessible=true");
    }

    @Test
    void jvm_options_point_cassandra_at_the_generated_files_and_speed_up_start_and_stop() {
        assertThat(config.jvmOptions()).contains(
                "-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
                "-Dcassandra-foreground=yes",
                "-Dcassandra.config=file:///var/tally/cassandra/conf/cassandra.yaml",
                "-Dcassandra.storagedir=/var/tally/cassandra",
                "-Dcassandra.logdir=/var/tally/cassandra/logs",
                "-Dlogback.configurationFile=/var/tally/cassandra/conf/logback.xml",
                "-Dcassandra.triggers_dir=/var/tally/cassandra/triggers",
                "-Dcassandra.memtable.row_overhead_size=180",
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.ring_delay_ms=1000",
                "-Dcassandra.initial_token=0",
                "-Dcassandra.shutdown_announce_in_ms=0",
                "-Dcassandra.test.messagingService.nonGracefulShutdown=true");
        assertThat(config.directories()).contains(config.triggersDir());
    }
}

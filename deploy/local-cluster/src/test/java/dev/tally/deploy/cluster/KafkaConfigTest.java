package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConfigTest {

    private final KafkaConfig config = new KafkaConfig(
            new KafkaSettings(Path.of("/var/tally/kafka"), "127.0.0.1", 19092, 19093, "768m"));

    @Test
    void runs_broker_and_controller_in_one_process_on_the_configured_ports() {
        Map<String, String> p = config.serverPropertiesMap();

        assertThat(p).containsEntry("process.roles", "broker,controller")
                .containsEntry("node.id", "1")
                .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:19093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
                .containsEntry("controller.listener.names", "CONTROLLER")
                .containsEntry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:19092");
    }

    @Test
    void every_internal_topic_makes_do_with_one_replica() {
        assertThat(config.serverPropertiesMap())
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("share.coordinator.state.topic.replication.factor", "1")
                .containsEntry("share.coordinator.state.topic.min.isr", "1")
                .containsEntry("default.replication.factor", "1")
                .containsEntry("min.insync.replicas", "1");
    }

    @Test
    void topics_are_only_created_on_purpose_and_groups_start_at_once() {
        assertThat(config.serverPropertiesMap())
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("num.partitions", "6");
    }

    @Test
    void keeps_everything_under_the_data_directory() {
        assertThat(config.serverPropertiesMap()).containsEntry("log.dirs", "/var/tally/kafka/data");
        assertThat(config.metaProperties()).isEqualTo(Path.of("/var/tally/kafka/data/meta.properties"));
        assertThat(config.outputFile()).isEqualTo(Path.of("/var/tally/kafka/logs/kafka.out"));
        assertThat(config.serverPropertiesText()).contains("\nlog.dirs=/var/tally/kafka/data\n");
    }

    @Test
    void log4j_config_logs_info_to_a_file_and_disables_its_shutdown_hook() {
        assertThat(config.log4jConfigText())
                .contains("shutdownHook=\"disable\"")
                .contains("fileName=\"/var/tally/kafka/logs/server.log\"")
                .contains("<ThresholdFilter level=\"WARN\"")
                .contains("<Root level=\"INFO\">");
    }

    @Test
    void jvm_options_set_the_heap_and_the_log4j_config() {
        assertThat(config.jvmOptions()).contains("-Xms256m", "-Xmx768m", "-XX:+UseG1GC",
                "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=/var/tally/kafka/config/log4j2.xml");
    }

    @Test
    void formats_standalone_with_the_given_cluster_id() {
        assertThat(config.formatArgs("abc")).containsExactly("format", "-t", "abc", "-c",
                "/var/tally/kafka/config/server.properties", "--standalone");
    }

    @Test
    void reads_the_cluster_id_from_meta_properties() {
        String meta = "#\n#Thu Nov 20 10:00:00 UTC 2026\nnode.id=1\ndirectory.id=x\nversion=1\n"
                + "cluster.id=MsejWAuEQleymx_7-mg3NQ\n";

        assertThat(KafkaConfig.clusterId(meta)).contains("MsejWAuEQleymx_7-mg3NQ");
        assertThat(KafkaConfig.clusterId("version=1\n")).isEmpty();
    }
}

package dev.tally.deploy;

import dev.tally.common.config.ConfigSource;
import dev.tally.deploy.cluster.CassandraSettings;
import dev.tally.deploy.cluster.KafkaSettings;
import dev.tally.deploy.cluster.LocalClusterSettings;
import java.nio.file.Path;
import java.util.Map;

/** The launcher's own settings. Keys and defaults: {@code dev/tally/deploy/launcher-defaults.properties}. */
record LauncherConfig(Path dataDir, String host, int kafkaPort, int kafkaControllerPort, String kafkaMaxHeap,
                      int cqlPort, int storagePort, String cassandraMaxHeap, int topicPartitions,
                      int demoEventsPerSecond, int demoSites) {

    static final String DEFAULTS = "dev/tally/deploy/launcher-defaults.properties";

    static LauncherConfig load(Map<String, String> overrides) {
        ConfigSource config = ConfigSource.load(DEFAULTS, System.getenv(), overrides);
        return new LauncherConfig(
                config.path("launcher.data-dir").toAbsolutePath().normalize(),
                config.string("launcher.host"),
                config.port("launcher.kafka.port"),
                config.port("launcher.kafka.controller-port"),
                config.string("launcher.kafka.max-heap"),
                config.port("launcher.cassandra.cql-port"),
                config.port("launcher.cassandra.storage-port"),
                config.string("launcher.cassandra.max-heap"),
                config.intInRange("launcher.topic-partitions", 1, 1000),
                config.intInRange("launcher.demo.events-per-second", 1, 100_000),
                config.intInRange("launcher.demo.sites", 1, 1000));
    }

    LocalClusterSettings cluster() {
        return new LocalClusterSettings(dataDir,
                new KafkaSettings(dataDir.resolve("kafka"), host, kafkaPort, kafkaControllerPort, kafkaMaxHeap),
                new CassandraSettings(dataDir.resolve("cassandra"), host, cqlPort, storagePort, cassandraMaxHeap));
    }

    /**
     * @param demo whether simulated traffic runs beside the stack: the gateway then believes
     *     {@code X-Forwarded-For} from this machine, so each simulated visitor keeps its own address
     */
    StackServices services(boolean demo) {
        Map<String, String> settings = demo ? Map.of("gateway.trusted-proxies", DemoTraffic.TRUSTED_LOOPBACK) : Map.of();
        return new StackServices("tally", "tally", topicPartitions, dataDir.resolve("aggregator-state"), true, settings);
    }
}

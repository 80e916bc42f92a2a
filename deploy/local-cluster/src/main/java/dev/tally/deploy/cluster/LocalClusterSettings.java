package dev.tally.deploy.cluster;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A local cluster: one Kafka broker with its data in {@code dataDir/kafka} and one Cassandra node with
 * its data in {@code dataDir/cassandra}.
 */
public record LocalClusterSettings(Path dataDir, KafkaSettings kafka, CassandraSettings cassandra) {

    public LocalClusterSettings {
        dataDir = Validation.absoluteDir(dataDir, "dataDir");
        Objects.requireNonNull(kafka, "kafka settings must be set");
        Objects.requireNonNull(cassandra, "cassandra settings must be set");
    }

    /** The fixed ports of {@code tally run}: Kafka 9092/9093, Cassandra 9042/7000. */
    public static LocalClusterSettings defaults(Path dataDir) {
        return new LocalClusterSettings(dataDir, KafkaSettings.defaults(dataDir.resolve("kafka")),
                CassandraSettings.defaults(dataDir.resolve("cassandra")));
    }

    /** Free ports, so that it cannot clash with a running {@code tally run} or another test JVM. */
    public static LocalClusterSettings onFreePorts(Path dataDir) {
        return new LocalClusterSettings(dataDir, KafkaSettings.onFreePorts(dataDir.resolve("kafka")),
                CassandraSettings.onFreePorts(dataDir.resolve("cassandra")));
    }
}

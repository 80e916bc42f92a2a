package dev.tally.deploy.cluster;

import java.nio.file.Path;

/**
 * Where and how a single-node Kafka broker (KRaft, broker and controller in one process) runs.
 *
 * @param dataDir        holds the broker's config, logs ({@code logs/kafka.out}) and data; kept across runs
 * @param host           address both listeners bind to and advertise
 * @param port           client (PLAINTEXT) port
 * @param controllerPort KRaft controller port
 * @param maxHeap        the child JVM's -Xmx, e.g. {@code 1g}
 */
public record KafkaSettings(Path dataDir, String host, int port, int controllerPort, String maxHeap) {

    public KafkaSettings {
        dataDir = Validation.absoluteDir(dataDir, "kafka.dataDir");
        host = Validation.host(host, "kafka.host");
        Validation.port(port, "kafka.port");
        Validation.port(controllerPort, "kafka.controllerPort");
        if (port == controllerPort) {
            throw new IllegalArgumentException("kafka.port and kafka.controllerPort must differ, both are " + port);
        }
        maxHeap = Validation.heapSize(maxHeap, "kafka.maxHeap");
    }

    /** 127.0.0.1, ports 9092 and 9093, 1 GiB heap. */
    public static KafkaSettings defaults(Path dataDir) {
        return new KafkaSettings(dataDir, FreePorts.LOOPBACK, 9092, 9093, "1g");
    }

    /** Like {@link #defaults}, on ports nothing else uses: for tests. */
    public static KafkaSettings onFreePorts(Path dataDir) {
        return new KafkaSettings(dataDir, FreePorts.LOOPBACK, FreePorts.next(), FreePorts.next(), "1g");
    }
}

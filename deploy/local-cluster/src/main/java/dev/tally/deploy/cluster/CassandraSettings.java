package dev.tally.deploy.cluster;

import java.nio.file.Path;

/**
 * Where and how a single Cassandra node runs.
 *
 * @param dataDir     holds the node's config, logs ({@code logs/cassandra.out}) and data; kept across runs
 * @param host        listen and CQL (rpc) address
 * @param cqlPort     native transport (CQL) port
 * @param storagePort inter-node port; bound even by a single node
 * @param maxHeap     the child JVM's -Xmx, e.g. {@code 1g}
 */
public record CassandraSettings(Path dataDir, String host, int cqlPort, int storagePort, String maxHeap) {

    public CassandraSettings {
        dataDir = Validation.absoluteDir(dataDir, "cassandra.dataDir");
        host = Validation.host(host, "cassandra.host");
        Validation.port(cqlPort, "cassandra.cqlPort");
        Validation.port(storagePort, "cassandra.storagePort");
        if (cqlPort == storagePort) {
            throw new IllegalArgumentException(
                    "cassandra.cqlPort and cassandra.storagePort must differ, both are " + cqlPort);
        }
        maxHeap = Validation.heapSize(maxHeap, "cassandra.maxHeap");
    }

    /** 127.0.0.1, CQL port 9042, storage port 7000, 1 GiB heap. */
    public static CassandraSettings defaults(Path dataDir) {
        return new CassandraSettings(dataDir, FreePorts.LOOPBACK, 9042, 7000, "1g");
    }

    /** Like {@link #defaults}, on ports nothing else uses: for tests. */
    public static CassandraSettings onFreePorts(Path dataDir) {
        return new CassandraSettings(dataDir, FreePorts.LOOPBACK, FreePorts.next(), FreePorts.next(), "1g");
    }
}

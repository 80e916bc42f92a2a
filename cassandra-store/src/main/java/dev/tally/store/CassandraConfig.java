package dev.tally.store;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.tally.common.config.ConfigException;
import dev.tally.common.config.ConfigSource;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/** How to reach Cassandra and how hard to write: shared by the sink, the query API and the launcher. */
public record CassandraConfig(
        List<InetSocketAddress> contactPoints,
        String localDatacenter,
        String keyspace,
        String replication,
        ConsistencyLevel consistency,
        int rawStripes) {

    public static CassandraConfig from(ConfigSource config) {
        return new CassandraConfig(
                config.list("cassandra.contact-points").stream().map(CassandraConfig::address).toList(),
                config.string("cassandra.local-datacenter"),
                config.string("cassandra.keyspace"),
                config.string("cassandra.replication"),
                consistency(config.string("cassandra.consistency")),
                config.intInRange("cassandra.raw-stripes", 1, 1024));
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new ConfigException("Configuration key 'cassandra.contact-points' entries must be host:port, but was '" + hostPort + "'");
        }
        try {
            return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Configuration key 'cassandra.contact-points' has a bad port in '" + hostPort + "'");
        }
    }

    private static ConsistencyLevel consistency(String name) {
        try {
            return DefaultConsistencyLevel.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Configuration key 'cassandra.consistency' must be a consistency level such as ONE or LOCAL_QUORUM, but was '" + name + "'");
        }
    }
}

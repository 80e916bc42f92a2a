package dev.tally.query.it;

import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.query.QueryApp;
import dev.tally.query.config.QueryConfig;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;

/** Starts a query API in this JVM on a free port, reading one keyspace of the shared test cluster. */
public final class QueryFixture {
    private QueryFixture() {
    }

    public static QueryApp start(LocalCluster cluster, String keyspace, Clock clock) {
        InetSocketAddress cql = cluster.cassandra().cqlAddress();
        return QueryApp.start(QueryConfig.load(Map.of(
                "query.http.host", "127.0.0.1",
                "query.http.port", "0",
                "cassandra.contact-points", cql.getHostString() + ":" + cql.getPort(),
                "cassandra.local-datacenter", cluster.cassandra().localDatacenter(),
                "cassandra.keyspace", keyspace)), clock);
    }
}

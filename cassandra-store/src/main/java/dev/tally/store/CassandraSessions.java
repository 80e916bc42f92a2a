package dev.tally.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import java.net.InetSocketAddress;

/** Opens the one {@link CqlSession} a process shares, with the driver settings of {@code tally-driver.conf}. */
public final class CassandraSessions {
    private CassandraSessions() {}

    /** A session not bound to a keyspace: statements name their keyspace. */
    public static CqlSession open(CassandraConfig settings, String clientName) {
        return CqlSession.builder()
                .withConfigLoader(DriverConfigLoader.fromClasspath("tally-driver"))
                .addContactPoints(settings.contactPoints().stream()
                        .map(a -> new InetSocketAddress(a.getHostString(), a.getPort()))
                        .toList())
                .withLocalDatacenter(settings.localDatacenter())
                .withApplicationName(clientName)
                .build();
    }

    /** Ready while the driver sees at least one node up. */
    public static ReadinessCheck readiness(CqlSession session) {
        return ReadinessCheck.of("cassandra", () -> {
            long up = session.getMetadata().getNodes().values().stream().filter(n -> n.getState() == NodeState.UP).count();
            return up > 0
                    ? Readiness.ok(up + " node(s) up")
                    : Readiness.notReady("no Cassandra node reachable; check the contact points and that Cassandra is running");
        });
    }
}

package dev.tally.store;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import java.net.InetSocketAddress;

/** Opens the one {@link CqlSession} a process shares, with the driver settings of {@code tally-driver.conf}. */
public final class CassandraSessions {
    private CassandraSessions() {}

    /**
     * A session not bound to a keyspace: statements name their keyspace. Services wait for Cassandra
     * if it is not up yet (the driver keeps trying to connect).
     */
    public static CqlSession open(CassandraConfig settings, String clientName) {
        return open(settings, clientName, DriverConfigLoader.fromClasspath("tally-driver"));
    }

    /** For command-line tools: fails at once if no node answers, instead of waiting for one. */
    public static CqlSession openOrFail(CassandraConfig settings, String clientName) {
        DriverConfigLoader failFast = DriverConfigLoader.compose(
                DriverConfigLoader.programmaticBuilder().withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false).build(),
                DriverConfigLoader.fromClasspath("tally-driver"));
        return open(settings, clientName, failFast);
    }

    private static CqlSession open(CassandraConfig settings, String clientName, DriverConfigLoader config) {
        return CqlSession.builder()
                .withConfigLoader(config)
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

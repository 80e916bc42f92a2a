package dev.tally.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.aggregator.AggregatorApp;
import dev.tally.aggregator.config.AggregatorConfig;
import dev.tally.common.RunningService;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.LocalClusterSettings;
import dev.tally.gateway.GatewayApp;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.query.QueryApp;
import dev.tally.query.config.QueryConfig;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.sink.SinkApp;
import dev.tally.store.CassandraConfig;
import dev.tally.store.CassandraSessions;
import dev.tally.store.SchemaMigrator;
import dev.tally.sink.config.SinkConfig;
import dev.tally.store.IdentityMode;
import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole of Tally on one machine: a local Kafka broker and Cassandra node (child JVMs), the
 * topics, the CQL schema, and every service in this JVM. {@code ./tally run} uses it with the
 * default ports and a persistent data directory; the end-to-end tests use it unchanged on the
 * shared test cluster, with their own topics and keyspace.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final LocalCluster cluster;
    private final boolean ownsCluster;
    private final CassandraConfig cassandra;
    private final String topicNamespace;
    private final List<RunningService> services;
    private final GatewayApp gateway;
    private final QueryApp queryApi;
    private final String newDemoSiteKey;
    private volatile boolean closed;

    private LocalStack(LocalCluster cluster, boolean ownsCluster, CassandraConfig cassandra, String topicNamespace,
                       List<RunningService> services, GatewayApp gateway, QueryApp queryApi, String newDemoSiteKey) {
        this.cluster = cluster;
        this.ownsCluster = ownsCluster;
        this.cassandra = cassandra;
        this.topicNamespace = topicNamespace;
        this.services = services;
        this.gateway = gateway;
        this.queryApi = queryApi;
        this.newDemoSiteKey = newDemoSiteKey;
    }

    /** The demo site's key if this start created the demo site (shown once), else empty. */
    public Optional<String> newDemoSiteKey() {
        return Optional.ofNullable(newDemoSiteKey);
    }

    /** Registers a site and makes the running gateway see it at once; returns its key. */
    public String registerSite(String id, Set<String> hostnames, IdentityMode identityMode) {
        try (CqlSession session = CassandraSessions.open(cassandra, "tally-site-admin")) {
            String key = new SiteAdmin(session, cassandra).add(id, hostnames, ZoneId.of("UTC"), identityMode, 395).key();
            gateway.reloadSites();
            return key;
        }
    }

    /** Starts Kafka and Cassandra, then everything else; stops what started if a later step fails. */
    public static LocalStack start(LocalClusterSettings clusterSettings, StackServices services) {
        LocalCluster cluster = LocalCluster.start(clusterSettings);
        try {
            return start(cluster, true, services);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Starts the services on a cluster someone else owns (the shared test cluster); closing leaves it running. */
    public static LocalStack onCluster(LocalCluster cluster, StackServices services) {
        return start(cluster, false, services);
    }

    private static LocalStack start(LocalCluster cluster, boolean ownsCluster, StackServices stack) {
        InetSocketAddress cql = cluster.cassandra().cqlAddress();
        Map<String, String> settings = stack.settingsFor(cluster.kafka().bootstrapServers(),
                cql.getHostString() + ":" + cql.getPort(), cluster.cassandra().localDatacenter());

        TopicCatalogue topics = TopicCatalogue.forNamespace(stack.topicNamespace());
        TopicProvisioner.ensure(cluster.kafka().bootstrapServers(), topics.all(), stack.topicPartitions(), (short) 1);

        SinkConfig sinkConfig = SinkConfig.load(settings);
        String demoSiteKey = null;
        try (CqlSession session = CassandraSessions.open(sinkConfig.cassandra(), "tally-launcher")) {
            new SchemaMigrator(session, sinkConfig.cassandra().keyspace(), sinkConfig.cassandra().replication()).migrate();
            if (stack.demoSite()) {
                demoSiteKey = new SiteAdmin(session, sinkConfig.cassandra()).ensureDemoSite().orElse(null);
            }
        }

        List<RunningService> started = new ArrayList<>();
        try {
            SinkApp sink = SinkApp.start(sinkConfig);
            started.add(sink);
            AggregatorApp aggregator = AggregatorApp.start(AggregatorConfig.load(settings));
            started.add(aggregator);
            QueryApp queryApi = QueryApp.start(QueryConfig.load(settings));
            started.add(queryApi);
            // The gateway opens last: once it answers, everything behind it is running.
            GatewayApp gateway = GatewayApp.start(GatewayConfig.load(settings));
            started.add(gateway);
            return new LocalStack(cluster, ownsCluster, sinkConfig.cassandra(), stack.topicNamespace(),
                    Collections.unmodifiableList(started), gateway, queryApi, demoSiteKey);
        } catch (RuntimeException e) {
            stopAll(started);
            throw e;
        }
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public GatewayApp gateway() {
        return gateway;
    }

    public QueryApp queryApi() {
        return queryApi;
    }

    public CassandraConfig cassandra() {
        return cassandra;
    }

    public TopicCatalogue topics() {
        return TopicCatalogue.forNamespace(topicNamespace);
    }

    public List<RunningService> services() {
        return services;
    }

    /** Stops the gateway first (no new events), then the consumers, then Kafka and Cassandra if this stack started them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll(services);
        if (ownsCluster) {
            cluster.close();
        }
    }

    private static void stopAll(List<RunningService> services) {
        List<RunningService> reversed = new ArrayList<>(services);
        Collections.reverse(reversed);
        for (RunningService service : reversed) {
            try {
                service.close();
            } catch (RuntimeException e) {
                LOG.warn("Stopping {} failed: {}", service.name(), e.toString());
            }
        }
    }
}

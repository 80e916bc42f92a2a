package dev.tally.gateway;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.common.RunningService;
import dev.tally.common.http.AdminEndpoints;
import dev.tally.common.http.ServiceMetrics;
import dev.tally.common.kafka.KafkaReachability;
import dev.tally.gateway.cassandra.CachedSiteDirectory;
import dev.tally.gateway.cassandra.SharedDailySalts;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.http.GatewayRoutes;
import dev.tally.gateway.http.GatewayServer;
import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.UrlCleaner;
import dev.tally.gateway.ingest.VisitorIdentity;
import dev.tally.gateway.kafka.KafkaEventPublisher;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.store.CassandraSessions;
import dev.tally.store.SaltTable;
import dev.tally.store.SiteTable;
import io.undertow.Handlers;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest gateway: HTTP in (pixel, events API, tracker script), Avro {@code TrackedEvent}s out to
 * the raw events topic. Reads the site registry and the daily visitor salt from Cassandra.
 * Start with {@link #main} (configuration from the environment) or {@link #start} (the launcher).
 */
public final class GatewayApp implements RunningService {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

    private final GatewayServer server;
    private final GracefulShutdownHandler graceful;
    private final List<AutoCloseable> resources;
    private final String url;
    private final CachedSiteDirectory sites;
    private volatile boolean closed;

    private GatewayApp(GatewayServer server, GracefulShutdownHandler graceful, List<AutoCloseable> resources, String url,
                       CachedSiteDirectory sites) {
        this.server = server;
        this.graceful = graceful;
        this.resources = resources;
        this.url = url;
        this.sites = sites;
    }

    public static void main(String[] args) {
        GatewayApp app = start(GatewayConfig.load(Map.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "gateway-shutdown"));
    }

    public static GatewayApp start(GatewayConfig config) {
        Clock clock = Clock.systemUTC();
        ServiceMetrics metrics = new ServiceMetrics("ingest-gateway");
        TopicCatalogue topics = TopicCatalogue.forNamespace(config.topicNamespace());
        CqlSession session = CassandraSessions.open(config.cassandra(), "tally-ingest-gateway");
        String keyspace = config.cassandra().keyspace();
        CachedSiteDirectory sites = new CachedSiteDirectory(
                new SiteTable(session, keyspace, config.cassandra().consistency()), config.sitesRefreshInterval());
        SharedDailySalts salts = new SharedDailySalts(new SaltTable(session, keyspace)::agree, clock);
        KafkaEventPublisher publisher = KafkaEventPublisher.create(
                config.kafkaBootstrapServers(), topics.rawEvents(), config.producerOverrides(), metrics.registry());
        KafkaReachability kafka = new KafkaReachability(config.kafkaBootstrapServers(), config.kafkaProbeInterval());
        AdminEndpoints admin = new AdminEndpoints(List.of(kafka, publisher, sites, salts), metrics.registry());
        EventFactory events = new EventFactory(sites, new VisitorIdentity(salts), new UrlCleaner(config.keptQueryParameters()),
                config.maxClockSkew(), config.storeClientIp());
        GracefulShutdownHandler graceful = Handlers.gracefulShutdown(
                GatewayRoutes.build(config, events, publisher, sites, admin, metrics.registry(), clock));

        GatewayServer server = GatewayServer.start(config.httpHost(), config.httpPort(), config.ioThreads(),
                config.maxBodyBytes(), graceful);
        int port = server.port();
        String host = config.httpHost().equals("0.0.0.0") ? "127.0.0.1" : config.httpHost();
        String url = "http://" + host + ":" + port;
        LOG.info("Ingest gateway listening on {} (pixel {}, script {}, events {}), publishing to {} on {}", url,
                config.pixelPath(), config.scriptPath(), config.eventsPath(), topics.rawEvents().name(), config.kafkaBootstrapServers());
        // Closed in this order after the HTTP server drained.
        List<AutoCloseable> resources = List.of(publisher, kafka, salts, sites, session, metrics);
        return new GatewayApp(server, graceful, resources, url, sites);
    }

    public String url() {
        return url;
    }

    /** Reloads the site registry now instead of at the next interval (after adding a site). */
    public void reloadSites() {
        sites.refresh();
    }

    @Override
    public String name() {
        return "ingest-gateway";
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("http", url, "pixel", url + "/a.gif", "script", url + "/a.js", "events", url + "/api/event");
    }

    /** Stops taking requests, lets in-flight ones finish (their events are acknowledged), then flushes the producer. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        graceful.shutdown();
        try {
            if (!graceful.awaitShutdown(10_000)) {
                LOG.warn("Gateway stopped with requests still in flight after 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
        LOG.info("Ingest gateway stopped");
    }
}

package dev.tally.bench;

import dev.tally.bench.load.PixelRequests;
import dev.tally.common.http.AdminEndpoints;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.http.GatewayRoutes;
import dev.tally.gateway.http.GatewayServer;
import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.EventPublisher;
import dev.tally.gateway.ingest.SiteDirectory;
import dev.tally.gateway.ingest.UrlCleaner;
import dev.tally.gateway.ingest.VisitorIdentity;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.Site;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A diagnostic server for the benchmark, not a product: the gateway's own routes, handlers, validation,
 * visitor hashing and Avro serialisation ({@link GatewayRoutes} as {@code GatewayApp} wires it), with the
 * Kafka producer replaced by a publisher that serialises the event and acknowledges it at once, and the
 * site registry and daily salt in memory instead of Cassandra. Between the bare server and the real
 * gateway, it tells what the gateway's own work costs and what Kafka adds.
 *
 * <p>Configured like the gateway, from {@code TALLY_*} environment variables (the HTTP port, above all).
 */
public final class GatewayWithoutKafka {
    private GatewayWithoutKafka() {}

    public static void main(String[] args) {
        GatewayConfig config = GatewayConfig.load(Map.of());
        Site site = new Site(PixelRequests.SITE, Set.of(PixelRequests.HOST), ZoneId.of("UTC"), IdentityMode.COOKIELESS, 30,
                Site.hashKey(Site.newKey()));
        SiteDirectory sites = new SiteDirectory() {
            @Override
            public Optional<Site> find(String siteId) {
                return site.id().equals(siteId) ? Optional.of(site) : Optional.empty();
            }

            @Override
            public boolean anyAllowsHost(String host) {
                return site.allowsHost(host);
            }
        };
        byte[] salt = new byte[32];
        EventFactory events = new EventFactory(sites, new VisitorIdentity(day -> salt), new UrlCleaner(config.keptQueryParameters()),
                config.maxClockSkew(), config.storeClientIp());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AdminEndpoints admin = new AdminEndpoints(List.of(), registry);
        GatewayServer server = GatewayServer.start(config.httpHost(), config.httpPort(), config.ioThreads(), config.maxBodyBytes(),
                GatewayRoutes.build(config, events, new SerializingPublisher(TopicCatalogue.forNamespace("bench").rawEvents()),
                        sites, admin, registry, Clock.systemUTC()));
        System.out.println("Gateway without Kafka listening on http://" + config.httpHost() + ":" + config.httpPort() + "/a.gif");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "gateway-without-kafka-shutdown"));
    }

    /** Does what the producer does on the caller's thread (serialise the value), then acknowledges. */
    private static final class SerializingPublisher implements EventPublisher {
        private final String topic;
        private final Serializer<TrackedEvent> serializer;

        SerializingPublisher(Topic<String, TrackedEvent> topic) {
            this.topic = topic.name();
            this.serializer = topic.valueSerde().serializer();
        }

        @Override
        public CompletionStage<Void> publish(TrackedEvent event) {
            serializer.serialize(topic, event);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean publishesWithoutBlocking() {
            return true;
        }

        @Override
        public void close() {
            serializer.close();
        }
    }
}

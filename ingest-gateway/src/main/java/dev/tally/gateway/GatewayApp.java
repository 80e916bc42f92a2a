package dev.tally.gateway;

import dev.tally.common.RunningService;
import dev.tally.common.http.AdminEndpoints;
import dev.tally.common.http.AdminServer;
import dev.tally.common.http.ServiceMetrics;
import dev.tally.common.kafka.KafkaReachability;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.http.GatewayRoutes;
import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.VisitorIdentity;
import dev.tally.gateway.kafka.KafkaEventPublisher;
import dev.tally.schemas.TopicCatalogue;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest gateway: HTTP in (pixel), Avro {@code TrackedEvent}s out to the raw events topic.
 * Start with {@link #main} (configuration from the environment) or {@link #start} (the launcher).
 */
public final class GatewayApp implements RunningService {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApp.class);

    private final Undertow server;
    private final GracefulShutdownHandler graceful;
    private final KafkaEventPublisher publisher;
    private final KafkaReachability kafka;
    private final ServiceMetrics metrics;
    private final String url;
    private volatile boolean closed;

    private GatewayApp(Undertow server, GracefulShutdownHandler graceful, KafkaEventPublisher publisher,
                       KafkaReachability kafka, ServiceMetrics metrics, String url) {
        this.server = server;
        this.graceful = graceful;
        this.publisher = publisher;
        this.kafka = kafka;
        this.metrics = metrics;
        this.url = url;
    }

    public static void main(String[] args) {
        GatewayApp app = start(GatewayConfig.load(Map.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "gateway-shutdown"));
    }

    public static GatewayApp start(GatewayConfig config) {
        ServiceMetrics metrics = new ServiceMetrics("ingest-gateway");
        TopicCatalogue topics = TopicCatalogue.forNamespace(config.topicNamespace());
        KafkaEventPublisher publisher = KafkaEventPublisher.create(
                config.kafkaBootstrapServers(), topics.rawEvents(), config.producerOverrides(), metrics.registry());
        KafkaReachability kafka = new KafkaReachability(config.kafkaBootstrapServers(), config.kafkaProbeInterval());
        AdminEndpoints admin = new AdminEndpoints(List.of(kafka), metrics.registry());
        EventFactory events = new EventFactory(new VisitorIdentity());
        GracefulShutdownHandler graceful = Handlers.gracefulShutdown(
                GatewayRoutes.build(events, publisher, admin, metrics.registry(), Clock.systemUTC()));

        Undertow.Builder builder = Undertow.builder()
                .addHttpListener(config.httpPort(), config.httpHost())
                .setHandler(graceful);
        if (config.ioThreads() > 0) {
            builder.setIoThreads(config.ioThreads());
        }
        Undertow server = builder.build();
        server.start();
        int port = AdminServer.boundPort(server);
        String host = config.httpHost().equals("0.0.0.0") ? "127.0.0.1" : config.httpHost();
        String url = "http://" + host + ":" + port;
        LOG.info("Ingest gateway listening on {} (pixel {}/a.gif), publishing to {} on {}",
                url, url, topics.rawEvents().name(), config.kafkaBootstrapServers());
        return new GatewayApp(server, graceful, publisher, kafka, metrics, url);
    }

    public String url() {
        return url;
    }

    @Override
    public String name() {
        return "ingest-gateway";
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("http", url, "pixel", url + "/a.gif");
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
        publisher.close();
        server.stop();
        kafka.close();
        metrics.close();
        LOG.info("Ingest gateway stopped");
    }
}

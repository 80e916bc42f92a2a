package dev.tally.sink;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.common.RunningService;
import dev.tally.common.http.AdminEndpoints;
import dev.tally.common.http.AdminServer;
import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import dev.tally.common.http.ServiceMetrics;
import dev.tally.common.kafka.KafkaReachability;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.store.CassandraSessions;
import dev.tally.store.RawEventTable;
import dev.tally.store.SchemaMigrator;
import dev.tally.sink.config.SinkConfig;
import dev.tally.sink.kafka.RawEventConsumer;
import dev.tally.store.Stripes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra sink: raw events topic in, {@code raw_events} rows out; undecodable records to the
 * dead-letter topic. Admin endpoints on {@code sink.admin.port}.
 */
public final class SinkApp implements RunningService {
    private static final Logger LOG = LoggerFactory.getLogger(SinkApp.class);

    private final CqlSession session;
    private final RawEventConsumer rawEvents;
    private final Thread rawEventsThread;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final KafkaReachability kafka;
    private final AdminServer admin;
    private final ServiceMetrics metrics;
    private volatile boolean closed;

    private SinkApp(CqlSession session, RawEventConsumer rawEvents, Thread rawEventsThread, KafkaProducer<byte[], byte[]> deadLetters,
                    KafkaReachability kafka, AdminServer admin, ServiceMetrics metrics) {
        this.session = session;
        this.rawEvents = rawEvents;
        this.rawEventsThread = rawEventsThread;
        this.deadLetters = deadLetters;
        this.kafka = kafka;
        this.admin = admin;
        this.metrics = metrics;
    }

    public static void main(String[] args) {
        SinkApp app = start(SinkConfig.load(Map.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "sink-shutdown"));
    }

    public static SinkApp start(SinkConfig config) {
        ServiceMetrics metrics = new ServiceMetrics("cassandra-sink");
        TopicCatalogue topics = TopicCatalogue.forNamespace(config.topicNamespace());
        CqlSession session = CassandraSessions.open(config.cassandra(), "tally-cassandra-sink");
        if (config.applySchema()) {
            new SchemaMigrator(session, config.cassandra().keyspace(), config.cassandra().replication()).migrate();
        }
        RawEventTable table = new RawEventTable(session, config.cassandra().keyspace(),
                new Stripes(config.cassandra().rawStripes()), config.cassandra().consistency());

        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup(),
                ConsumerConfig.CLIENT_ID_CONFIG, "tally-cassandra-sink-raw",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> deadLetters = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "tally-cassandra-sink-dead-letters",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
        RawEventConsumer rawEvents = new RawEventConsumer(consumer, deadLetters, topics.rawEvents().name(),
                topics.deadLetters().name(), topics.rawEvents().valueSerde().deserializer(), table, metrics.registry());
        Thread thread = new Thread(rawEvents, "raw-events-sink");
        thread.start();

        KafkaReachability kafka = new KafkaReachability(config.kafkaBootstrapServers(), Duration.ofSeconds(2));
        ReadinessCheck consuming = ReadinessCheck.of("raw-events-consumer", () -> rawEvents.isRunning()
                ? Readiness.ok("consuming " + topics.rawEvents().name())
                : Readiness.notReady("consumer stopped; see the log and restart the sink"));
        AdminServer admin = AdminServer.start(config.adminHost(), config.adminPort(),
                new AdminEndpoints(List.of(kafka, CassandraSessions.readiness(session), consuming), metrics.registry()));
        LOG.info("Cassandra sink consuming {} into keyspace {}; admin on port {}",
                topics.rawEvents().name(), config.cassandra().keyspace(), admin.port());
        return new SinkApp(session, rawEvents, thread, deadLetters, kafka, admin, metrics);
    }

    @Override
    public String name() {
        return "cassandra-sink";
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("admin", "http://127.0.0.1:" + admin.port());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        rawEvents.stop();
        try {
            rawEventsThread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadLetters.close(Duration.ofSeconds(5));
        admin.close();
        kafka.close();
        session.close();
        metrics.close();
        LOG.info("Cassandra sink stopped");
    }
}

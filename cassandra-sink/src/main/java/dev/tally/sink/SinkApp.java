package dev.tally.sink;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.common.RunningService;
import dev.tally.common.http.AdminEndpoints;
import dev.tally.common.http.AdminServer;
import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import dev.tally.common.http.ServiceMetrics;
import dev.tally.common.kafka.KafkaReachability;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.sink.cassandra.RawEventWriter;
import dev.tally.sink.cassandra.RollupWriter;
import dev.tally.sink.cassandra.SiteSettings;
import dev.tally.sink.config.SinkConfig;
import dev.tally.sink.kafka.DeadLetters;
import dev.tally.sink.kafka.SinkConsumer;
import dev.tally.sink.pipeline.Backoff;
import dev.tally.sink.pipeline.OffsetTracker;
import dev.tally.sink.pipeline.RecordHandler;
import dev.tally.sink.pipeline.WritePipeline;
import dev.tally.store.CassandraSessions;
import dev.tally.store.RawEventTable;
import dev.tally.store.RollupTables;
import dev.tally.store.SchemaMigrator;
import dev.tally.store.SiteTable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The Cassandra sink. Two consumers, each on its own thread and consumer group:
 * <ul>
 *   <li>{@code <ns>.events.enriched} ({@code EnrichedEvent}) into {@code raw_events}, with each site's
 *       retention as TTL, in each site's number of stripes;</li>
 *   <li>{@code <ns>.rollups.minute|hour|day} ({@code RollupKey}/{@code Rollup}) into
 *       {@code rollup_minutes}, {@code rollup_hours} and {@code rollup_days}, as upserts of absolute values.</li>
 * </ul>
 * Records that cannot be decoded go to {@code <ns>.deadletter}. Admin endpoints on {@code sink.admin.port}.
 */
public final class SinkApp implements RunningService {
    private static final Logger LOG = LoggerFactory.getLogger(SinkApp.class);

    private final CqlSession session;
    private final SiteSettings siteSettings;
    private final List<SinkConsumer> consumers;
    private final List<Thread> threads;
    private final KafkaProducer<byte[], byte[]> deadLetterProducer;
    private final KafkaReachability kafka;
    private final AdminServer admin;
    private final ServiceMetrics metrics;
    private volatile boolean closed;

    private SinkApp(CqlSession session, SiteSettings siteSettings, List<SinkConsumer> consumers, List<Thread> threads,
                    KafkaProducer<byte[], byte[]> deadLetterProducer, KafkaReachability kafka, AdminServer admin, ServiceMetrics metrics) {
        this.session = session;
        this.siteSettings = siteSettings;
        this.consumers = consumers;
        this.threads = threads;
        this.deadLetterProducer = deadLetterProducer;
        this.kafka = kafka;
        this.admin = admin;
        this.metrics = metrics;
    }

    public static void main(String[] args) {
        SinkApp app = start(SinkConfig.load(Map.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "sink-shutdown"));
    }

    public static SinkApp start(SinkConfig config) {
        ServiceMetrics serviceMetrics = new ServiceMetrics("cassandra-sink");
        SinkMetrics metrics = new SinkMetrics(serviceMetrics.registry());
        TopicCatalogue topics = TopicCatalogue.forNamespace(config.topicNamespace());
        String keyspace = config.cassandra().keyspace();
        CqlSession session = CassandraSessions.open(config.cassandra(), "tally-cassandra-sink");
        if (config.applySchema()) {
            new SchemaMigrator(session, keyspace, config.cassandra().replication()).migrate();
        }
        SiteSettings siteSettings = SiteSettings.start(new SiteTable(session, keyspace, config.cassandra().consistency()),
                config.rawDefaultRetentionDays(), config.cassandra().rawStripes(), config.sitesRefreshInterval());
        KafkaProducer<byte[], byte[]> deadLetterProducer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "tally-cassandra-sink-dead-letters",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
        DeadLetters deadLetters = new DeadLetters(deadLetterProducer, topics.deadLetters().name(), metrics);

        RawEventTable rawTable = new RawEventTable(session, keyspace, siteSettings::stripes, config.cassandra().consistency());
        var enrichedDecoder = topics.enrichedEvents().valueSerde().deserializer();
        String enrichedTopic = topics.enrichedEvents().name();
        RecordHandler rawHandler = new RawEventWriter(bytes -> enrichedDecoder.deserialize(enrichedTopic, bytes), rawTable, siteSettings,
                Clock.systemUTC(), config.rawMaxBatchRows(), config.rawMaxBatchBytes(), config.rawFlushRecords(), config.rawLinger(),
                System::nanoTime, metrics);

        Map<String, Granularity> granularityOfTopic = new HashMap<>();
        for (Granularity granularity : Granularity.values()) {
            granularityOfTopic.put(topics.rollups(granularity).name(), granularity);
        }
        Topic<RollupKey, Rollup> anyRollupTopic = topics.minuteRollups();
        var rollupDecoder = anyRollupTopic.valueSerde().deserializer();
        RecordHandler rollupHandler = new RollupWriter(bytes -> rollupDecoder.deserialize(anyRollupTopic.name(), bytes), granularityOfTopic,
                new RollupTables(session, keyspace, config.cassandra().consistency()), config.rollupFlushInterval(),
                config.rollupMaxBufferedKeys(), System::nanoTime, metrics);

        List<SinkConsumer> consumers = List.of(
                consumer("raw-events", config, config.rawEventsGroup(), List.of(enrichedTopic), rawHandler, deadLetters, metrics),
                consumer("rollups", config, config.rollupsGroup(), new ArrayList<>(granularityOfTopic.keySet()), rollupHandler,
                        deadLetters, metrics));
        List<Thread> threads = new ArrayList<>();
        for (SinkConsumer consumer : consumers) {
            Thread thread = new Thread(consumer, "sink-" + consumer.name());
            thread.start();
            threads.add(thread);
        }

        KafkaReachability kafka = new KafkaReachability(config.kafkaBootstrapServers(), Duration.ofSeconds(2));
        List<ReadinessCheck> checks = new ArrayList<>(List.of(kafka, CassandraSessions.readiness(session)));
        for (SinkConsumer consumer : consumers) {
            checks.add(ReadinessCheck.of(consumer.name() + "-consumer", () -> consumer.isRunning()
                    ? Readiness.ok("consuming")
                    : Readiness.notReady("consumer stopped; see the log and restart the sink")));
        }
        AdminServer admin = AdminServer.start(config.adminHost(), config.adminPort(), new AdminEndpoints(checks, serviceMetrics.registry()));
        LOG.info("Cassandra sink consuming {} and {} into keyspace {} (consistency {}); admin on port {}",
                enrichedTopic, granularityOfTopic.keySet(), keyspace, config.cassandra().consistency(), admin.port());
        return new SinkApp(session, siteSettings, consumers, threads, deadLetterProducer, kafka, admin, serviceMetrics);
    }

    private static SinkConsumer consumer(String name, SinkConfig config, String group, List<String> topics, RecordHandler handler,
                                         DeadLetters deadLetters, SinkMetrics metrics) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, "tally-cassandra-sink-" + name,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        OffsetTracker tracker = new OffsetTracker();
        WritePipeline pipeline = new WritePipeline(name, config.maxInFlightWrites(), config.maxInFlightWrites(),
                new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff()), tracker, metrics.writeListener(), System::nanoTime);
        return new SinkConsumer(name, consumer, topics, handler, deadLetters, pipeline, tracker, config.commitInterval(), metrics);
    }

    @Override
    public String name() {
        return "cassandra-sink";
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("admin", "http://127.0.0.1:" + admin.port());
    }

    /** Port of /healthz, /readyz and /metrics. */
    public int adminPort() {
        return admin.port();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        consumers.forEach(SinkConsumer::stop);
        for (Thread thread : threads) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deadLetterProducer.close(Duration.ofSeconds(5));
        siteSettings.close();
        admin.close();
        kafka.close();
        session.close();
        metrics.close();
        LOG.info("Cassandra sink stopped");
    }
}

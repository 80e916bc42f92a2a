package dev.tally.aggregator;

import dev.tally.aggregator.config.AggregatorConfig;
import dev.tally.aggregator.enrich.Enricher;
import dev.tally.aggregator.enrich.ReferrerClassifier;
import dev.tally.aggregator.enrich.YauaaClassifier;
import dev.tally.aggregator.topology.RollupCounters;
import dev.tally.aggregator.topology.RollupTopology;
import dev.tally.common.RunningService;
import dev.tally.common.http.AdminEndpoints;
import dev.tally.common.http.AdminServer;
import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import dev.tally.common.http.ServiceMetrics;
import dev.tally.schemas.TopicCatalogue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream aggregator: creates and runs {@link KafkaStreams} on {@link RollupTopology} with
 * exactly-once (v2) processing; admin endpoints on {@code aggregator.admin.port}.
 */
public final class AggregatorApp implements RunningService {
    private static final Logger LOG = LoggerFactory.getLogger(AggregatorApp.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final AdminServer admin;
    private final ServiceMetrics metrics;
    private volatile boolean closed;

    private AggregatorApp(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics, AdminServer admin, ServiceMetrics metrics) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.admin = admin;
        this.metrics = metrics;
    }

    public static void main(String[] args) {
        AggregatorApp app = start(AggregatorConfig.load(Map.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "aggregator-shutdown"));
    }

    public static AggregatorApp start(AggregatorConfig config) {
        // Kafka Streams tags store metrics in-memory-state-id or rocksdb-state-id by store type, under the same
        // names; Prometheus needs one tag key set per name, so both become state.id (the store name tells them apart).
        ServiceMetrics metrics = new ServiceMetrics("stream-aggregator",
                MeterFilter.renameTag("kafka.stream.state", "in.memory.state.id", "state.id"),
                MeterFilter.renameTag("kafka.stream.state", "rocksdb.state.id", "state.id"));
        TopicCatalogue topics = TopicCatalogue.forNamespace(config.topicNamespace());
        long started = System.nanoTime();
        Enricher enricher = new Enricher(new YauaaClassifier(config.userAgentCacheSize()), ReferrerClassifier.bundled());
        LOG.info("User-agent rules loaded in {} ms", (System.nanoTime() - started) / 1_000_000);
        int inputPartitions = inputPartitions(config, topics.rawEvents().name());
        RollupTopology topology = new RollupTopology(topics, enricher,
                new RollupTopology.Settings(config.grace(), config.commitInterval(), config.preAggregationBufferEvents(),
                        config.sourceIdleAfter(), inputPartitions),
                Clock.systemUTC(), counters(metrics));
        KafkaStreams streams = new KafkaStreams(topology.build(), streamsProperties(config));
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("Stream thread failed; replacing it (exactly-once: its uncommitted work is redone)", error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics.registry());
        streams.start();

        ReadinessCheck running = ReadinessCheck.of("kafka-streams", () -> {
            KafkaStreams.State state = streams.state();
            return state.isRunningOrRebalancing()
                    ? Readiness.ok(state.name())
                    : Readiness.notReady(state.name() + "; see the aggregator log");
        });
        AdminServer admin = AdminServer.start(config.adminHost(), config.adminPort(),
                new AdminEndpoints(List.of(running), metrics.registry()));
        LOG.info("Stream aggregator {} reading {} ({} partitions; exactly-once, commit every {}); admin on port {}",
                config.applicationId(), topics.rawEvents().name(), inputPartitions == 0 ? "unknown" : inputPartitions,
                config.commitInterval(), admin.port());
        return new AggregatorApp(streams, streamsMetrics, admin, metrics);
    }

    /**
     * The raw events topic's partition count, so the merge step closes nothing before every partition has
     * reported (SourceWatermarks). 0 if the broker cannot tell now: the merge step then waits
     * {@code aggregator.source-idle-after} after each start instead.
     */
    private static int inputPartitions(AggregatorConfig config, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not read the partition count of {} ({}); buckets will not close for {} after each start, so that every "
                    + "partition can report first. Check that the topic exists and the broker is reachable.", topic, e.getMessage(),
                    config.sourceIdleAfter());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static RollupCounters counters(ServiceMetrics metrics) {
        Counter bots = Counter.builder("tally.aggregator.bot.events")
                .description("Events left out of rollups because a bot sent them (kept in the enriched stream)")
                .register(metrics.registry());
        Counter late = Counter.builder("tally.aggregator.late.events")
                .description("Events left out of rollups because their minute had closed (kept in the enriched stream and raw storage)")
                .register(metrics.registry());
        return new RollupCounters() {
            @Override
            public void botEvents(long count) {
                bots.increment(count);
            }

            @Override
            public void lateEvents(long count) {
                late.increment(count);
            }
        };
    }

    /** Kafka Streams settings: exactly-once v2, commits (and so rollup publishing) every commit interval. */
    public static Properties streamsProperties(AggregatorConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }

    @Override
    public String name() {
        return "stream-aggregator";
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
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        admin.close();
        metrics.close();
        LOG.info("Stream aggregator stopped");
    }
}

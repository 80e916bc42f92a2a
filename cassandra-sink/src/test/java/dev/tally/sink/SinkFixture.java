package dev.tally.sink;

import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import dev.tally.deploy.cluster.TopicReadiness;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.sink.config.SinkConfig;
import dev.tally.store.RawEventTable;
import dev.tally.store.RollupTables;
import dev.tally.store.SchemaMigrator;
import dev.tally.store.Stripes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One test's own topics (namespace) and keyspace on the shared cluster, a producer for them, sinks
 * started on them, and the tables to read back. Close it after the test.
 */
final class SinkFixture implements AutoCloseable {
    static final int PARTITIONS = 3;
    static final int STRIPES = 8;

    final LocalCluster cluster = TestCluster.shared();
    final String namespace = TestCluster.uniqueName("sink_");
    final String keyspace = namespace;
    final TopicCatalogue topics = TopicCatalogue.forNamespace(namespace);
    final Admin admin;
    final KafkaProducer<byte[], byte[]> producer;
    final CqlSession session;
    final RawEventTable rawEvents;
    final RollupTables rollups;
    private final List<SinkApp> sinks = new ArrayList<>();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    SinkFixture() throws Exception {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers()));
        List<NewTopic> newTopics = new ArrayList<>();
        for (Topic<?, ?> topic : topics.all()) {
            newTopics.add(new NewTopic(topic.name(), PARTITIONS, (short) 1).configs(topic.config()));
        }
        admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
        TopicReadiness.awaitLeaders(admin, newTopics.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
        session = cluster.cassandra().sessionBuilder()
                .withConfigLoader(TestCluster.testDriverConfig()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
                        // Back within seconds after a Cassandra outage, as the sink is.
                        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(200))
                        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(2))
                        .build())
                .build();
        new SchemaMigrator(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}").migrate();
        rawEvents = new RawEventTable(session, keyspace, new Stripes(STRIPES),
                DefaultConsistencyLevel.ONE);
        rollups = new RollupTables(session, keyspace, DefaultConsistencyLevel.ONE);
    }

    /** The sink's settings for this fixture; {@code extra} overrides them. */
    Map<String, String> settings(String consumerGroup, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap-servers", cluster.kafka().bootstrapServers());
        settings.put("topics.namespace", namespace);
        settings.put("sink.consumer-group", consumerGroup);
        settings.put("cassandra.contact-points", cluster.cassandra().cqlAddress().getHostString() + ":"
                + cluster.cassandra().cqlAddress().getPort());
        settings.put("cassandra.local-datacenter", cluster.cassandra().localDatacenter());
        settings.put("cassandra.keyspace", keyspace);
        settings.put("cassandra.raw-stripes", Integer.toString(STRIPES));
        settings.put("sink.admin.host", "127.0.0.1");
        settings.put("sink.admin.port", "0");
        settings.put("sink.rollups.flush-interval", "200ms");
        settings.put("sink.commit-interval", "200ms");
        settings.put("sink.retry.max-backoff", "2s");
        settings.putAll(extra);
        return settings;
    }

    SinkApp startSink(String consumerGroup, Map<String, String> extra) {
        SinkApp sink = SinkApp.start(SinkConfig.load(settings(consumerGroup, extra)));
        sinks.add(sink);
        return sink;
    }

    void send(EnrichedEvent event) {
        Topic<String, EnrichedEvent> topic = topics.enrichedEvents();
        String key = TopicCatalogue.rawEventKey(event.getEvent().getSiteId(), event.getEvent().getVisitorId());
        sendBytes(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), event));
    }

    void send(Rollup rollup) {
        Topic<RollupKey, Rollup> topic = topics.rollups(rollup.getGranularity());
        RollupKey key = RollupKey.newBuilder().setSiteId(rollup.getSiteId()).setGranularity(rollup.getGranularity())
                .setDimension(rollup.getDimension()).setDimensionValue(rollup.getDimensionValue())
                .setBucketStart(rollup.getBucketStart()).build();
        sendBytes(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), rollup));
    }

    /** Sends without waiting (the order within a partition is kept); {@link #flush} waits for all. */
    void sendBytes(String topic, byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
            }
        });
    }

    /** Waits until everything sent is in Kafka. */
    /**
     * Waits until this fixture's own session reaches Cassandra again after a restart: its driver reconnects
     * on a backoff schedule of its own, independent of the sink's, so the sink may have caught up before
     * the test can read.
     */
    void awaitCassandraReadable(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> session.execute("SELECT release_version FROM system.local").one() != null);
    }

    void flush() {
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IllegalStateException("could not produce a test record", sendFailure.get());
        }
    }

    /** Waits until {@code group} has committed the end offset of every partition of {@code topicNames}. */
    void awaitCommittedToEnd(String group, List<String> topicNames, Duration atMost) {
        flush();
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> lag(group, topicNames) == 0);
    }

    /** Records of {@code topicNames} that {@code group} has not committed. */
    long lag(String group, List<String> topicNames) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (String topic : topicNames) {
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long lag = 0;
        for (var end : ends.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            lag += end.getValue().offset() - (done == null ? 0 : done.offset());
        }
        return lag;
    }

    List<String> rollupTopics() {
        return List.of(topics.minuteRollups().name(), topics.hourRollups().name(), topics.dayRollups().name());
    }

    /** GETs an admin endpoint of a running sink. */
    static HttpResponse<String> get(SinkApp sink, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.adminPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a counter with a {@code kind} tag in Prometheus text, 0 if absent. */
    static double counter(String metrics, String name, String kind) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*kind=\"" + kind + "\"[^}]*} ([0-9.eE+-]+)$").matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    @Override
    public void close() {
        sinks.forEach(SinkApp::close);
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
        session.close();
    }
}

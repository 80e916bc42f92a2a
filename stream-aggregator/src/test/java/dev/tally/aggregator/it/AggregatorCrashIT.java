package dev.tally.aggregator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tally.deploy.cluster.TopicReadiness;
import dev.tally.aggregator.AggregatorApp;
import dev.tally.aggregator.enrich.TrackedEvents;
import dev.tally.deploy.cluster.ParentWatchdog;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a crash, on the real broker: the aggregator runs in a JVM of its own, is killed
 * with SIGKILL while it is half-way through the input (no clean shutdown, no final commit), and a new
 * one takes over with the same application id and state directory. Every tier's totals must equal the
 * events sent, and the enriched topic must hold every event exactly once.
 */
class AggregatorCrashIT {
    private static final int EVENTS = 30_000;
    private static final int PARTITIONS = 3;
    /**
     * Five days ago: the far-future events that close the buckets (START + 3 days) must still be in the
     * broker's past, because it rejects record timestamps more than an hour ahead of its clock
     * ({@code log.message.timestamp.after.max.ms}).
     */
    private static final Instant START = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.DAYS)
            .minus(Duration.ofDays(5)).plus(Duration.ofHours(8));
    private static final String[] SITES = {"hot.example", "a.example", "b.example"};

    @TempDir
    Path workDir;
    private final List<Process> children = new ArrayList<>();
    private final String bootstrap = TestCluster.shared().kafka().bootstrapServers();
    private final String namespace = TestCluster.uniqueName("aggcrash");
    private final TopicCatalogue topics = TopicCatalogue.forNamespace(namespace);
    private final String applicationId = namespace + "-aggregator";

    @AfterEach
    void stopChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void a_killed_aggregator_replaced_by_a_new_one_neither_loses_nor_double_counts_an_event() throws Exception {
        createTopics();
        Map<String, Long> truth = new HashMap<>();
        Map<String, Set<String>> visitors = new HashMap<>();
        Random random = new Random(7);
        try (KafkaProducer<String, TrackedEvent> producer = producer()) {
            for (int i = 0; i < EVENTS; i++) {
                String site = random.nextInt(10) < 8 ? SITES[0] : SITES[1 + random.nextInt(2)];
                String visitor = "v" + random.nextInt(2_000);
                Instant at = START.plusMillis(Duration.ofMinutes(20).toMillis() * i / EVENTS + random.nextInt(60_000));
                send(producer, TrackedEvents.pageview().setEventId("e" + i).setSiteId(site).setVisitorId(visitor)
                        .setReceivedAt(at).setUrl("https://" + site + "/p" + random.nextInt(10)).build());
                truth.merge(site, 1L, Long::sum);
                visitors.computeIfAbsent(site, s -> new HashSet<>()).add(visitor);
            }
        }

        Process first = startAggregator("first");
        await("the first aggregator to be part-way through (log: target/" + namespace + "-first.log)")
                .atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(first.isAlive()).as("first aggregator alive; see target/" + namespace + "-first.log").isTrue();
                    return endOffsets(topics.enrichedEvents().name()) >= EVENTS / 6;
                });
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long committedAtCrash = committedInput();
        assertThat(committedAtCrash).as("input committed when killed: mid-stream").isLessThan(EVENTS);

        Process second = startAggregator("second");
        await("the second aggregator to catch up (log: target/" + namespace + "-second.log)")
                .atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(second.isAlive()).as("second aggregator alive; see target/" + namespace + "-second.log").isTrue();
                    return committedInput() == EVENTS;
                });
        // Close every bucket: move event time three days on, in two drains (see PreAggregateProcessor).
        try (KafkaProducer<String, TrackedEvent> producer = producer()) {
            send(producer, TrackedEvents.pageview().setSiteId("clock.example").setReceivedAt(START.plus(Duration.ofDays(3))).build());
        }
        await().atMost(Duration.ofMinutes(2)).until(() -> committedInput() == EVENTS + 1);
        Map<RollupKey, Rollup> latest = new HashMap<>();
        await("every site's day to close").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            try (KafkaProducer<String, TrackedEvent> producer = producer()) {
                send(producer, TrackedEvents.pageview().setSiteId("clock.example")
                        .setReceivedAt(START.plus(Duration.ofDays(3)).plusSeconds(120)).build());
            }
            latest.clear();
            // Days first: a day is final only after every minute and hour in it was published final (in
            // that transaction or an earlier one), so topics read after the day topic hold those too.
            // Minutes first could miss the transaction that closed the day while the minutes were read.
            for (Granularity granularity : List.of(Granularity.DAY, Granularity.HOUR, Granularity.MINUTE)) {
                readAll(topics.rollups(granularity), (key, value) -> latest.put(key, value));
            }
            return latest.entrySet().stream().filter(e -> e.getKey().getGranularity() == Granularity.DAY
                    && e.getKey().getDimension().equals("total") && e.getValue().getFinalized()
                    && !e.getKey().getSiteId().equals("clock.example")).count() == SITES.length;
        });

        for (String site : SITES) {
            Map<Granularity, Long> pageviews = new HashMap<>();
            latest.forEach((key, value) -> {
                if (key.getSiteId().equals(site) && key.getDimension().equals("total")) {
                    assertThat(value.getFinalized()).as(() -> key + " is not final; its records: " + history(key)).isTrue();
                    pageviews.merge(key.getGranularity(), value.getPageviews(), Long::sum);
                }
            });
            assertThat(pageviews).as(site).containsEntry(Granularity.MINUTE, truth.get(site))
                    .containsEntry(Granularity.HOUR, truth.get(site)).containsEntry(Granularity.DAY, truth.get(site));
            Rollup day = latest.entrySet().stream().filter(e -> e.getKey().getSiteId().equals(site)
                    && e.getKey().getGranularity() == Granularity.DAY && e.getKey().getDimension().equals("total"))
                    .findFirst().orElseThrow().getValue();
            assertThat(day.getVisitorsEstimate()).as(site + " visitors")
                    .isCloseTo(visitors.get(site).size(), org.assertj.core.data.Percentage.withPercentage(5));
        }
        Map<String, Integer> enrichedIds = new HashMap<>();
        readAll(topics.enrichedEvents(), (key, value) -> enrichedIds.merge(value.getEvent().getEventId(), 1, Integer::sum));
        assertThat(enrichedIds.values()).as("enriched copies per event").containsOnly(1);
        // The clock events carry random UUIDs, which may start with "e" too: match the test's own ids exactly.
        assertThat(enrichedIds.keySet().stream().filter(id -> id.matches("e[0-9]+")).count()).isEqualTo(EVENTS);
    }

    /** Every committed record of one rollup key, in order: what a failed assertion needs to be understood. */
    private List<String> history(RollupKey wanted) {
        List<String> records = new ArrayList<>();
        readAll(topics.rollups(wanted.getGranularity()), (key, value) -> {
            if (key.equals(wanted)) {
                records.add("pageviews=" + value.getPageviews() + " finalized=" + value.getFinalized() + " updatedAt=" + value.getUpdatedAt());
            }
        });
        return records;
    }

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (Topic<?, ?> topic : topics.all()) {
                newTopics.add(new NewTopic(topic.name(), PARTITIONS, (short) 1).configs(topic.config()));
            }
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
            TopicReadiness.awaitLeaders(admin, newTopics.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
        }
    }

    private Process startAggregator(String name) throws IOException {
        // Kept under target/ (not the temporary directory) so a failed run leaves the aggregator's log behind.
        Path log = Path.of("target", namespace + "-" + name + ".log").toAbsolutePath();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), ParentWatchdog.class.getName(), AggregatorApp.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(variable -> variable.startsWith("TALLY_"));
        builder.environment().putAll(Map.of(
                "TALLY_KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "TALLY_TOPICS_NAMESPACE", namespace,
                "TALLY_AGGREGATOR_APPLICATION_ID", applicationId,
                "TALLY_AGGREGATOR_STATE_DIR", workDir.resolve("state").toString(),
                "TALLY_AGGREGATOR_ADMIN_HOST", "127.0.0.1",
                "TALLY_AGGREGATOR_ADMIN_PORT", "0"));
        Files.createDirectories(workDir);
        Process process = builder.start(); // stdin stays open: ParentWatchdog exits the child if this JVM dies
        children.add(process);
        return process;
    }

    private KafkaProducer<String, TrackedEvent> producer() {
        Topic<String, TrackedEvent> raw = topics.rawEvents();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), raw.valueSerde().serializer());
    }

    private void send(KafkaProducer<String, TrackedEvent> producer, TrackedEvent event) {
        producer.send(new ProducerRecord<>(topics.rawEvents().name(), TopicCatalogue.rawEventKey(event.getSiteId(), event.getVisitorId()), event));
    }

    private long endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    /** Input offsets the aggregator has committed (under exactly-once: its transactions that succeeded). */
    private long committedInput() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topics.rawEvents().name()) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    /** Reads a topic from the start to its current end, committed transactions only. */
    private <K, V> void readAll(Topic<K, V> topic, BiConsumer<K, V> each) {
        TopicContents.readAll(bootstrap, topic, PARTITIONS, each);
    }
}

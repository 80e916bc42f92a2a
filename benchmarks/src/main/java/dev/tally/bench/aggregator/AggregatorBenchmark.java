package dev.tally.bench.aggregator;

import dev.tally.deploy.cluster.TopicReadiness;
import dev.tally.aggregator.AggregatorApp;
import dev.tally.aggregator.config.AggregatorConfig;
import dev.tally.aggregator.enrich.Enricher;
import dev.tally.aggregator.enrich.ReferrerClassifier;
import dev.tally.aggregator.enrich.YauaaClassifier;
import dev.tally.aggregator.topology.ReceivedAtTimestamp;
import dev.tally.aggregator.topology.RollupCounters;
import dev.tally.aggregator.topology.RollupTopology;
import dev.tally.bench.report.DocSection;
import dev.tally.deploy.cluster.KafkaNode;
import dev.tally.deploy.cluster.KafkaSettings;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TimeWindows;

/**
 * Stream aggregator throughput on the real local broker: the full topology (enrichment, all ten
 * dimensions, minute/hour/day tiers, exactly-once v2) against the plain baseline
 * {@code groupByKey().windowedBy(1 minute).count()} with exactly-once, over the same input, alternating
 * in the same run, for (a) 1,000 sites with even traffic and (b) one site with 90% of it, both live (the
 * events spread over event time at {@link #LIVE_RATE}, as that much live traffic arrives), and (a) once more
 * as an hour's backlog of a quiet installation (the same events over one hour of event time: a site's
 * minute holds a dozen events, so closing costs a final record or more per event; see {@link BenchEvents}).
 * And (b) once more without the pre-aggregation, every accepted event sent to the merge step on its own
 * (as a topology that only regroups events by site would), to show what the pre-aggregation buys.
 *
 * <p>Throughput is input events over the time from the first committed input offset to the end of the
 * work (start-up and the user-agent rules' loading are outside it). For the baseline the end is the last
 * committed input offset. For the aggregator it is the later of that and the last final day record: the
 * input ends with one event per partition a day later, which closes every minute, hour and day of the
 * input, and the run waits until every site's final day total is committed (its log-append
 * time is the end). So every final record of every tier is inside the measured time, not published after
 * it. Both use the aggregator's Streams settings (one stream thread, 1 s commit interval) and the
 * aggregator its production defaults (10 minutes' grace; nothing closes before every input partition has
 * reported, the partition count given as {@code AggregatorApp} reads it from the broker).
 * Also reported for the aggregator: state directory size per million events (the largest seen, sampled
 * every {@link #STATE_SAMPLE_INTERVAL}, and at the end, when every bucket has closed), records written to the
 * rollup topics per 1,000 input events, and events left out as late (none should be: the input's disorder
 * is well within grace, so any would be a bug).
 */
public final class AggregatorBenchmark {
    private static final int PARTITIONS = 6;
    /**
     * Events per second of event time in the live scenarios: 1,000 sites receiving 50 events/s each. About
     * what this machine's baseline processes, so the input is traffic the aggregator has to keep up with.
     */
    static final int LIVE_RATE = 50_000;
    /** The production default of {@code aggregator.source-idle-after}. */
    private static final Duration SOURCE_IDLE_AFTER = Duration.ofSeconds(30);
    /** Event time of the closing events: a day after the benchmark hour, past every bucket's end plus grace. */
    private static final Instant CLOSING_TIME = BenchEvents.START.plus(Duration.ofDays(1)).plus(BenchEvents.LONGEST_SPAN);
    private static final String CLOSING_SITE = "closing.example";
    /** How often a run measures its state directory for the peak size (a walk of a few hundred files). */
    private static final Duration STATE_SAMPLE_INTERVAL = Duration.ofSeconds(2);
    private static final String HEADING = "Stream aggregator: events per second";
    private static final String MARKER = "aggregator-bench";

    /** @param preAggregate false for the topology without pre-aggregation (every event to the merge step alone) */
    private record Scenario(String name, String description, BenchEvents events, boolean preAggregate) {}

    /** @param peakStateBytes the state directory's largest size seen during the run (sampled every few seconds) */
    private record Run(double eventsPerSecond, long peakStateBytes, long stateBytes, long rollupRecords, long lateEvents) {}

    private final KafkaNode kafka;
    private final Path workDir;
    private final int events;
    private final Enricher enricher;
    /** Events the aggregator left out as late in the current run: none should be, the input is within grace. */
    private final AtomicLong lateEvents = new AtomicLong();
    /** Sites with at least one counted (non-bot) event in the current scenario's input. */
    private Set<String> countedSites = Set.of();

    private AggregatorBenchmark(KafkaNode kafka, Path workDir, int events, Enricher enricher) {
        this.kafka = kafka;
        this.workDir = workDir;
        this.events = events;
        this.enricher = enricher;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path workDir = Path.of(options.getOrDefault("--work-dir", Files.createTempDirectory("tally-agg-bench").toString()));
        int events = Integer.parseInt(options.getOrDefault("--events", "1000000"));
        int rounds = Integer.parseInt(options.getOrDefault("--rounds", "3"));
        List<String> only = List.of(options.getOrDefault("--scenarios", "even,hot,hot-alone,catchup").split(","));
        System.out.println("Loading user-agent rules");
        Enricher enricher = new Enricher(new YauaaClassifier(20_000), ReferrerClassifier.bundled());
        // Kafka only: nothing here uses Cassandra, and an idle node would still take CPU from the run.
        try (KafkaNode kafka = KafkaNode.start(KafkaSettings.onFreePorts(workDir.resolve("kafka")), Duration.ofMinutes(3))) {
            AggregatorBenchmark bench = new AggregatorBenchmark(kafka, workDir, events, enricher);
            // Live: the events spread over event time at LIVE_RATE, as an installation receiving that much
            // traffic sends them. Catch-up: the same number over an hour, a quiet installation's backlog.
            Duration live = Duration.ofMillis(Math.max(1, events * 1000L / LIVE_RATE));
            List<Scenario> scenarios = List.of(
                    new Scenario("even", "(a) 1,000 sites, even traffic, live", new BenchEvents(1_000, 0, live, 1), true),
                    new Scenario("hot", "(b) 1,000 sites, one with 90% of the traffic, live", new BenchEvents(1_000, 0.9, live, 2), true),
                    new Scenario("hot-alone", "(b) without pre-aggregation: every event to the merge step alone", new BenchEvents(1_000, 0.9, live, 2), false),
                    new Scenario("catchup", "(a) 1,000 sites, even traffic, an hour's backlog", new BenchEvents(1_000, 0, BenchEvents.LONGEST_SPAN, 1), true))
                    .stream().filter(scenario -> only.contains(scenario.name())).toList();
            StringBuilder table = new StringBuilder();
            table.append("| Scenario | Baseline events/s (median) | Aggregator events/s (median) | Ratio | State on disk per 1M events (peak / at the end) | Rollup records per 1,000 events | Events left out as late (most in a round) | Rounds (baseline / aggregator events/s) |\n");
            table.append("|---|---|---|---|---|---|---|---|\n");
            for (Scenario scenario : scenarios) {
                table.append(bench.measure(scenario, rounds)).append('\n');
            }
            String report = "Command: `" + options.getOrDefault("--command", "bench/aggregator.sh") + "`, " + events
                    + " input events per scenario (6 partitions), " + rounds + " alternating rounds, run finished "
                    + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ".\n"
                    + "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, JDK " + System.getProperty("java.version")
                    + ". Beside it: " + options.getOrDefault("--quiet-note", "not recorded") + ".\n\n" + table;
            System.out.println(report);
            if (options.containsKey("--doc")) {
                DocSection.update(Path.of(options.get("--doc")), HEADING, MARKER, report);
            }
        }
    }

    private String measure(Scenario scenario, int rounds) throws Exception {
        String namespace = "bench_" + scenario.name() + "_" + Long.toString(System.nanoTime(), 36);
        TopicCatalogue topics = TopicCatalogue.forNamespace(namespace);
        createTopics(topics);
        countedSites = produce(topics, scenario.events());
        List<Double> baseline = new ArrayList<>();
        List<Run> aggregator = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            baseline.add(run(topics, namespace + "-baseline-" + round, baselineTopology(topics), false).eventsPerSecond());
            long before = committedRecords(topics);
            Run run = run(topics, namespace + "-aggregator-" + round, aggregatorTopology(topics, scenario.preAggregate()), true);
            aggregator.add(new Run(run.eventsPerSecond(), run.peakStateBytes(), run.stateBytes(), committedRecords(topics) - before, run.lateEvents()));
            System.out.printf(Locale.ROOT, "%s round %d: baseline %.0f, aggregator %.0f events/s, %d events left out as late%n",
                    scenario.name(), round, baseline.get(round - 1), run.eventsPerSecond(), run.lateEvents());
        }
        double base = median(baseline);
        double agg = median(aggregator.stream().map(Run::eventsPerSecond).toList());
        double peakStateMb = median(aggregator.stream().map(r -> r.peakStateBytes() / 1e6 * 1e6 / events).toList());
        double stateMb = median(aggregator.stream().map(r -> r.stateBytes() / 1e6 * 1e6 / events).toList());
        double records = median(aggregator.stream().map(r -> r.rollupRecords() * 1000.0 / events).toList());
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < rounds; i++) {
            each.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%.0f / %.0f", baseline.get(i), aggregator.get(i).eventsPerSecond()));
        }
        long late = aggregator.stream().mapToLong(Run::lateEvents).max().orElse(0);
        return String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.0f%% | %.1f / %.1f MB | %.0f | %,d | %s |",
                scenario.description(), base, agg, 100 * agg / base, peakStateMb, stateMb, records, late, each);
    }

    private Topology baselineTopology(TopicCatalogue topics) {
        Topic<String, TrackedEvent> raw = topics.rawEvents();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(raw.name(), Consumed.with(Serdes.String(), raw.valueSerde()).withTimestampExtractor(new ReceivedAtTimestamp()))
                .groupByKey(Grouped.with(Serdes.String(), raw.valueSerde()))
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofMinutes(10)))
                .count(Materialized.as("baseline-counts"));
        return builder.build();
    }

    private Topology aggregatorTopology(TopicCatalogue topics, boolean preAggregate) {
        return new RollupTopology(topics, enricher, new RollupTopology.Settings(Duration.ofMinutes(10), Duration.ofSeconds(1), 65_536,
                        SOURCE_IDLE_AFTER, PARTITIONS, preAggregate),
                Clock.systemUTC(), new RollupCounters() {
                    @Override
                    public void botEvents(long count) {}

                    @Override
                    public void lateEvents(long count) {
                        lateEvents.addAndGet(count);
                    }
                }).build();
    }

    /**
     * Runs {@code topology} over the whole input once.
     *
     * @param untilDaysFinal also wait for every counted site's final day total (the aggregator's last output)
     */
    private Run run(TopicCatalogue topics, String applicationId, Topology topology, boolean untilDaysFinal) throws Exception {
        Path stateDir = workDir.resolve("state").resolve(applicationId);
        AggregatorConfig config = new AggregatorConfig(kafka.bootstrapServers(), topics.namespace(), applicationId,
                stateDir, Duration.ofSeconds(1), Duration.ofMinutes(10), SOURCE_IDLE_AFTER, 1, 65_536, 20_000, "127.0.0.1", 0);
        Properties props = AggregatorApp.streamsProperties(config);
        lateEvents.set(0);
        try (DayFinals dayFinals = new DayFinals(topics); KafkaStreams streams = new KafkaStreams(topology, props); Admin admin = admin()) {
            streams.start();
            long target = endOffsets(admin, topics.rawEvents().name());
            long firstMillis = 0;
            long lastReport = System.nanoTime();
            long firstCommitted = 0;
            long inputDoneMillis = 0;
            long peakStateBytes = 0;
            long lastStateSample = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
            while (true) {
                long committed = committedInput(admin, topics, applicationId);
                long nowMillis = System.currentTimeMillis();
                if (committed > 0 && firstMillis == 0) {
                    firstMillis = nowMillis;
                    firstCommitted = committed;
                }
                if (committed >= target && inputDoneMillis == 0) {
                    inputDoneMillis = nowMillis;
                }
                if (untilDaysFinal) {
                    dayFinals.poll(Duration.ofMillis(250));
                }
                if (System.nanoTime() - lastStateSample > STATE_SAMPLE_INTERVAL.toNanos()) {
                    peakStateBytes = Math.max(peakStateBytes, sizeOf(stateDir));
                    lastStateSample = System.nanoTime();
                }
                if (inputDoneMillis != 0 && (!untilDaysFinal || dayFinals.sites().containsAll(countedSites))) {
                    long stateBytes = sizeOf(stateDir);
                    long endMillis = Math.max(inputDoneMillis, dayFinals.lastAppendMillis());
                    double seconds = (endMillis - firstMillis) / 1e3;
                    return new Run((target - firstCommitted) / Math.max(seconds, 1e-3), Math.max(peakStateBytes, stateBytes), stateBytes, 0,
                            lateEvents.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(applicationId + " did not finish within 20 minutes (committed " + committed + " of " + target
                            + ", final day totals of " + dayFinals.sites().size() + " of " + countedSites.size() + " sites)");
                }
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(15)) {
                    System.out.printf(Locale.ROOT, "%s: %,d of %,d input events committed, final day totals of %,d of %,d sites%n",
                            applicationId, committed, target, dayFinals.sites().size(), countedSites.size());
                    lastReport = System.nanoTime();
                }
                if (!untilDaysFinal) {
                    Thread.sleep(250);
                }
            }
        }
    }

    /**
     * Reads the day rollup topic from its end at construction (earlier rounds wrote to it too), collecting the
     * sites whose final {@code total} day record was committed and the latest log-append time among them.
     */
    private final class DayFinals implements AutoCloseable {
        private final KafkaConsumer<RollupKey, Rollup> consumer;
        private final Set<String> sites = new HashSet<>();
        private long lastAppendMillis;

        DayFinals(TopicCatalogue topics) {
            Topic<RollupKey, Rollup> days = topics.rollups(Granularity.DAY);
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(props, days.keySerde().deserializer(), days.valueSerde().deserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(days.name(), p));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve "end" now, before this round writes anything
        }

        void poll(Duration timeout) {
            for (ConsumerRecord<RollupKey, Rollup> record : consumer.poll(timeout)) {
                if (record.value() != null && record.value().getFinalized() && record.key().getDimension().equals("total")) {
                    sites.add(record.key().getSiteId());
                    lastAppendMillis = Math.max(lastAppendMillis, record.timestamp());
                }
            }
        }

        Set<String> sites() {
            return sites;
        }

        long lastAppendMillis() {
            return lastAppendMillis;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private void createTopics(TopicCatalogue topics) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (Topic<?, ?> topic : topics.all()) {
                Map<String, String> config = new HashMap<>(topic.config());
                if (topic.name().equals(topics.rollups(Granularity.DAY).name())) {
                    // The broker's clock on each record: when the aggregator's last output was written.
                    config.put("message.timestamp.type", "LogAppendTime");
                }
                newTopics.add(new NewTopic(topic.name(), PARTITIONS, (short) 1).configs(config));
            }
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
            TopicReadiness.awaitLeaders(admin, newTopics.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
        }
    }

    /**
     * Writes the scenario's events, then one closing event per partition (see {@link #CLOSING_TIME}).
     *
     * @return the sites with at least one event the rollups count (not a bot)
     */
    private Set<String> produce(TopicCatalogue topics, BenchEvents generator) {
        Topic<String, TrackedEvent> raw = topics.rawEvents();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Random random = new Random(generator.seed());
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Set<String> counted = new HashSet<>();
        try (KafkaProducer<String, TrackedEvent> producer = new KafkaProducer<>(props, new StringSerializer(), raw.valueSerde().serializer())) {
            org.apache.kafka.clients.producer.Callback onError = (metadata, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
            };
            for (int i = 0; i < events; i++) {
                TrackedEvent event = generator.event(random, i, events);
                if (!enricher.enrich(event).getBot()) {
                    counted.add(event.getSiteId());
                }
                producer.send(new ProducerRecord<>(raw.name(), TopicCatalogue.rawEventKey(event.getSiteId(), event.getVisitorId()), event), onError);
            }
            for (int partition = 0; partition < PARTITIONS; partition++) {
                TrackedEvent closing = TrackedEvent.newBuilder(generator.event(random, "closing-" + partition, CLOSING_TIME))
                        .setSiteId(CLOSING_SITE)
                        .build();
                producer.send(new ProducerRecord<>(raw.name(), partition, TopicCatalogue.rawEventKey(CLOSING_SITE, closing.getVisitorId()), closing), onError);
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Could not write the benchmark input", failure.get());
        }
        return counted;
    }

    private static long committedInput(Admin admin, TopicCatalogue topics, String applicationId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topics.rawEvents().name()) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            request.put(new TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
    }

    /** Records in the three rollup topics, committed transactions only (transaction markers excluded). */
    private long committedRecords(TopicCatalogue topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Granularity granularity : Granularity.values()) {
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.add(new TopicPartition(topics.rollups(granularity).name(), p));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        return count;
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static long sizeOf(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // RocksDB may delete a file while we walk
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

package dev.tally.bench.e2e;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.deploy.cluster.TopicReadiness;
import dev.tally.bench.proc.CpuUsage;
import dev.tally.bench.proc.ProcStats;
import dev.tally.bench.report.DocSection;
import dev.tally.deploy.SiteAdmin;
import dev.tally.deploy.cluster.CassandraSettings;
import dev.tally.deploy.cluster.KafkaSettings;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.LocalClusterSettings;
import dev.tally.deploy.traffic.TrafficConfig;
import dev.tally.deploy.traffic.TrafficGenerator;
import dev.tally.deploy.traffic.TrafficReport;
import dev.tally.deploy.traffic.model.TrafficMix;
import dev.tally.deploy.traffic.truth.GroundTruth;
import dev.tally.deploy.traffic.truth.SiteTruth;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.Granularity;
import dev.tally.sink.config.SinkConfig;
import dev.tally.store.CassandraConfig;
import dev.tally.store.CassandraSessions;
import dev.tally.store.IdentityMode;
import dev.tally.store.SchemaMigrator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End to end, everything on this machine: from HTTP requests at the gateway to the numbers of the query API.
 *
 * <p>Starts Kafka and Cassandra as {@code ./tally run} does ({@link LocalCluster}, 1 GiB heap each), creates
 * every topic of the catalogue, applies the CQL schema, registers the generator's simulated sites and a
 * probe site, then starts the sink, the aggregator, the query API and the gateway as four child JVMs
 * ({@link StackProcesses}). The demo-traffic generator ({@link TrafficGenerator}) sends its realistic mix over
 * real HTTP, first for a warm-up, then at each rate of the ramp for one step, until a step is not sustained
 * ({@link StepResult#sustained()}). Meanwhile: consumer lag of the aggregator and the sink every second
 * (Kafka Admin API), stage counters (gateway and sink {@code /metrics}, topic end offsets), CPU and resident
 * memory per process ({@code /proc}), and freshness probes ({@link FreshnessProbe}). Then the traffic
 * stops, the pipeline drains, and the query API's totals per site are held against the generator's ground
 * truth ({@link TruthCheck}). Prints the report and updates {@code docs/benchmarks.md} when given
 * {@code --doc}. Options: {@link E2eSettings}.
 */
public final class EndToEndBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(EndToEndBenchmark.class);
    static final String GATEWAY = "gateway";
    static final String AGGREGATOR = "aggregator";
    static final String SINK = "sink";
    static final String QUERY = "query";
    static final String KAFKA = "kafka";
    static final String CASSANDRA = "cassandra";
    static final String NAMESPACE = "e2e";
    static final String PROBE_SITE = "e2e-probe";
    static final String PROBE_HOST = "www.probe.e2e.example";
    static final String GENERATOR_THREAD = "e2e-traffic";
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
    /** LocalCluster's default of 2 minutes is too short for Cassandra on a busy 2-core machine. */
    private static final Duration CLUSTER_READY_TIMEOUT = Duration.ofMinutes(10);

    private EndToEndBenchmark() {}

    public static void main(String[] args) throws Exception {
        E2eSettings settings = E2eSettings.parse(args);
        Cleanup cleanup = new Cleanup();
        Thread hook = new Thread(cleanup::close, "e2e-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        String report;
        try {
            report = run(settings, cleanup);
        } finally {
            cleanup.close();
        }
        System.out.println();
        System.out.println(report);
        if (settings.doc() != null) {
            DocSection.update(settings.doc(), E2eReport.HEADING, E2eReport.MARKER_ID, report);
            System.out.println("Updated " + settings.doc());
        }
    }

    static String run(E2eSettings settings, Cleanup cleanup) throws Exception {
        Files.createDirectories(settings.workDir());
        E2eReport.Machine machine = E2eReport.Machine.read(settings.quietNote());
        LOG.info("Machine: {}", machine);
        var clusterDir = settings.workDir().resolve("cluster");
        LocalCluster cluster = cleanup.add(LocalCluster.start(new LocalClusterSettings(clusterDir,
                KafkaSettings.onFreePorts(clusterDir.resolve("kafka")), CassandraSettings.onFreePorts(clusterDir.resolve("cassandra"))),
                CLUSTER_READY_TIMEOUT));
        String bootstrap = cluster.kafka().bootstrapServers();
        InetSocketAddress cql = cluster.cassandra().cqlAddress();
        String contactPoint = cql.getHostString() + ":" + cql.getPort();
        TopicCatalogue topics = TopicCatalogue.forNamespace(NAMESPACE);
        createTopics(bootstrap, topics, settings.partitions());

        // Sites before services: the gateway and the query API load the registry at start-up.
        TrafficMix mix = TrafficMix.defaults(settings.seed(), settings.sites()).withSiteIdPrefix("e2e-")
                .withLateness(Duration.ofMinutes(8), Duration.ofMinutes(5)); // the launcher's choice for the default 10-minute grace
        // The sink's Cassandra settings with the stack's overrides, as LocalStack takes them.
        CassandraConfig cassandra = SinkConfig.load(Map.of("cassandra.contact-points", contactPoint,
                "cassandra.local-datacenter", cluster.cassandra().localDatacenter(), "cassandra.keyspace", NAMESPACE)).cassandra();
        Map<String, String> siteKeys;
        String probeKey;
        try (CqlSession session = CassandraSessions.open(cassandra, "tally-e2e-benchmark")) {
            new SchemaMigrator(session, cassandra.keyspace(), cassandra.replication()).migrate();
            SiteAdmin admin = new SiteAdmin(session, cassandra);
            siteKeys = TrafficGenerator.register(mix, site -> admin.addOrRekeySimulatedSite(site.id(), site.allowedHosts()));
            probeKey = admin.add(PROBE_SITE, Set.of("probe.e2e.example", "*.probe.e2e.example"), ZoneId.of("UTC"),
                    IdentityMode.COOKIELESS, 395).key();
        }

        StackProcesses stack = cleanup.add(StackProcesses.start(NAMESPACE, bootstrap, contactPoint, cluster.cassandra().localDatacenter(),
                settings.workDir(), settings.heaps(), settings.overrides()));
        LOG.info("Services ready: gateway {}, query API {}", stack.url(GATEWAY), stack.url(QUERY));

        Map<String, Long> pids = new LinkedHashMap<>(stack.pids());
        pids.put(KAFKA, cluster.kafka().pid());
        pids.put(CASSANDRA, cluster.cassandra().pid());
        CpuUsage cpu = new CpuUsage(pids);
        KafkaOffsets offsets = cleanup.add(new KafkaOffsets(bootstrap));
        Stages stages = new Stages(offsets, topics, stack);
        QueryClient query = new QueryClient(stack.url(QUERY));

        double firstRate = settings.rates().get(0);
        int connections = settings.connections() > 0 ? settings.connections() : TrafficConfig.defaultConnections(settings.highestRate());
        TrafficConfig trafficConfig = TrafficConfig.of(mix, firstRate, null).withConnections(connections).withProgressEvery(Duration.ofSeconds(30));
        TrafficGenerator generator = new TrafficGenerator(trafficConfig, URI.create(stack.url(GATEWAY)), siteKeys);
        generator.awaitSitesReady(Duration.ofMinutes(5));
        Instant runStart = Instant.now();
        StageCounters atStart = stages.read();
        CompletableFuture<TrafficReport> traffic = new CompletableFuture<>();
        Thread trafficThread = new Thread(() -> {
            try {
                traffic.complete(generator.run());
            } catch (RuntimeException e) {
                traffic.completeExceptionally(e);
            }
        }, GENERATOR_THREAD);
        trafficThread.setDaemon(true);
        trafficThread.start();
        cleanup.add(generator::stop);

        ProbeStages probeStages = cleanup.add(new ProbeStages(bootstrap, topics, PROBE_SITE));
        probeStages.start();
        FreshnessProbe probe = cleanup.add(new FreshnessProbe(stack.url(GATEWAY), query, PROBE_SITE, PROBE_HOST, probeKey,
                settings.probeInterval(), settings.pollInterval(), settings.probeTimeout(), probeStages));
        probe.start();

        LOG.info("Warm-up: {} events/s for {} s", firstRate, settings.warmup().toSeconds());
        waitFor(settings.warmup(), stack);
        StepController ramp = new StepController(settings.rates());
        List<StepResult> steps = new ArrayList<>();
        for (OptionalDouble rate = ramp.next(); rate.isPresent(); rate = ramp.next()) {
            StepResult step = runStep(rate.getAsDouble(), settings, generator, probe, stages, offsets, topics, cpu, stack);
            steps.add(step);
            ramp.finished(step.sustained());
            LOG.info("Step {} events/s: {}; accepted {}/s; aggregator {}; sink raw {}; sink rollups {}; freshness p50 {} p99 {}",
                    Math.round(step.targetRate()), step.sustained() ? "sustained" : "NOT sustained", Math.round(step.rates().gatewayAccepted()),
                    step.aggregator().summary(), step.sinkRaw().summary(), step.sinkRollups().summary(),
                    step.freshness().percentile(50).format(), step.freshness().percentile(99).format());
        }

        // The last step's probes are resolved while its traffic still runs, as theirs did in every earlier step.
        probe.finish(settings.probeTimeout().plusSeconds(5));
        generator.stop();
        TrafficReport trafficReport = traffic.get(60, TimeUnit.SECONDS);
        probe.close();
        Instant trafficEnd = Instant.now();
        LOG.info("Traffic: {}", trafficReport.summary());
        double drainSeconds = drain(offsets, topics, settings.drainTimeout());
        TruthCheck.Result truth = checkTruth(query, trafficReport.truth(), siteKeys, probe.acknowledged(), probe.visitors(), probeKey,
                runStart, settings.drainTimeout(), trafficReport.eventsUnanswered());
        LOG.info("Ground truth: {}", truth.summary());
        StageCounters atEnd = stages.read();

        Map<String, Double> peakRss = new LinkedHashMap<>();
        pids.forEach((name, pid) -> peakRss.put(name, ProcStats.peakRssMiB(pid)));
        peakRss.put(CpuUsage.THIS_JVM, ProcStats.peakRssMiB(ProcessHandle.current().pid()));
        E2eReport.Run run = new E2eReport.Run(settings, machine, steps, ramp.highestSustained(), ramp.firstUnsustained(),
                atEnd.since(atStart), Duration.between(runStart, trafficEnd), drainSeconds, truth, trafficReport.summary(),
                probe.acknowledged(), probe.failed(), peakRss, stack.deadServices());
        return E2eReport.render(run);
    }

    /** One step: the new rate, lag sampled every second, counters and CPU at both ends, probes of the step. */
    private static StepResult runStep(double rate, E2eSettings settings, TrafficGenerator generator, FreshnessProbe probe, Stages stages,
                                      KafkaOffsets offsets, TopicCatalogue topics, CpuUsage cpu, StackProcesses stack) {
        LOG.info("Step: {} events/s for {} s", Math.round(rate), settings.step().toSeconds());
        generator.setRate(rate);
        Freshness freshness = probe.newPeriod();
        long self = ProcessHandle.current().pid();
        Map<String, Double> threadsBefore = ProcStats.threadCpuSeconds(self);
        CpuUsage.Snapshot cpuBefore = cpu.snapshot();
        StageCounters before = stages.read();
        long refusedBefore = stages.gatewayRejected();
        long start = System.nanoTime();
        long end = start + settings.step().toNanos();
        List<LagJudge.Sample> aggregator = new ArrayList<>();
        List<LagJudge.Sample> sinkRaw = new ArrayList<>();
        List<LagJudge.Sample> sinkRollups = new ArrayList<>();
        long next = start;
        while (System.nanoTime() < end) {
            double at = (System.nanoTime() - start) / 1e9;
            aggregator.add(new LagJudge.Sample(at, offsets.lag(StackProcesses.aggregatorGroup(NAMESPACE), List.of(topics.rawEvents().name()))));
            sinkRaw.add(new LagJudge.Sample(at, offsets.lag(StackProcesses.sinkGroup(NAMESPACE) + ".raw-events",
                    List.of(topics.enrichedEvents().name()))));
            sinkRollups.add(new LagJudge.Sample(at, offsets.lag(StackProcesses.sinkGroup(NAMESPACE) + ".rollups", rollupTopics(topics))));
            requireAlive(stack);
            next += SAMPLE_EVERY.toNanos();
            sleepUntil(Math.min(next, end));
        }
        StageCounters after = stages.read();
        CpuUsage.Snapshot cpuAfter = cpu.snapshot();
        double wall = (cpuAfter.nanos() - cpuBefore.nanos()) / 1e9;
        double generatorCores = (ProcStats.threadCpuSeconds(self).getOrDefault(GENERATOR_THREAD, 0.0)
                - threadsBefore.getOrDefault(GENERATOR_THREAD, 0.0)) / wall;
        StageCounters.Rates rates = after.since(before);
        double stepSeconds = settings.step().toSeconds();
        // Inputs of each group: the aggregator reads raw events (and its own repartition topic, a small
        // stream of partials: raw input is the right scale); the sink groups read enriched events and rollups.
        LagJudge.Verdict aggregatorVerdict = LagJudge.judge(aggregator, rates.raw(), stepSeconds, settings.maxLagSeconds());
        LagJudge.Verdict rawVerdict = LagJudge.judge(sinkRaw, rates.enriched(), stepSeconds, settings.maxLagSeconds());
        LagJudge.Verdict rollupVerdict = LagJudge.judge(sinkRollups, rates.rollups(), stepSeconds, settings.maxLagSeconds());
        Map<String, Double> rss = new LinkedHashMap<>();
        stack.pids().forEach((name, pid) -> rss.put(name, ProcStats.rssMiB(pid)));
        return new StepResult(rate, rates, aggregatorVerdict, rawVerdict, rollupVerdict, freshness, CpuUsage.cores(cpuBefore, cpuAfter),
                rss, generatorCores, stages.gatewayRejected() - refusedBefore);
    }

    static List<String> rollupTopics(TopicCatalogue topics) {
        List<String> names = new ArrayList<>();
        for (Granularity granularity : Granularity.values()) {
            names.add(topics.rollups(granularity).name());
        }
        return names;
    }

    /**
     * Waits until no consumer group lags; returns the seconds it took. "No lag" allows one record per
     * partition of the topics written exactly-once (enriched events, rollups, the repartition topic): the
     * transaction marker after a partition's last record, which a consumer committing "the offset after the
     * last record it stored" (the sink) stays in front of until more records come.
     */
    private static double drain(KafkaOffsets offsets, TopicCatalogue topics, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        List<String> transactional = new ArrayList<>(rollupTopics(topics));
        transactional.add(topics.enrichedEvents().name());
        // The repartition topic has as many partitions as the raw events topic it comes from.
        long markers = offsets.partitions(transactional) + offsets.partitions(List.of(topics.rawEvents().name()));
        long lag = Long.MAX_VALUE;
        while (System.nanoTime() < deadline) {
            lag = offsets.lag(StackProcesses.aggregatorGroup(NAMESPACE), List.of(topics.rawEvents().name()))
                    + offsets.lag(StackProcesses.sinkGroup(NAMESPACE) + ".raw-events", List.of(topics.enrichedEvents().name()))
                    + offsets.lag(StackProcesses.sinkGroup(NAMESPACE) + ".rollups", rollupTopics(topics));
            if (lag <= markers) {
                break;
            }
            sleepUntil(System.nanoTime() + SAMPLE_EVERY.toNanos());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("Drained in {} s (lag left: {} records; up to {} can be transaction markers)", Math.round(seconds), lag, markers);
        return seconds;
    }

    /**
     * Asks the query API for every site's totals over the whole run (from ten minutes before its start:
     * late events carry times up to eight minutes old) until they equal the ground truth or the timeout passes.
     */
    private static TruthCheck.Result checkTruth(QueryClient query, GroundTruth truth, Map<String, String> keys, long probes, int probeVisitors,
                                                String probeKey,
                                                Instant runStart, Duration timeout, long uncertain) throws InterruptedException {
        Instant from = runStart.truncatedTo(ChronoUnit.MINUTES).minus(10, ChronoUnit.MINUTES);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        TruthCheck.Result result = null;
        while (true) {
            Instant to = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(2, ChronoUnit.MINUTES);
            List<TruthCheck.SiteCheck> checks = new ArrayList<>();
            try {
                for (SiteTruth site : truth.sites().values()) {
                    QueryClient.Totals totals = query.aggregate(site.siteId(), keys.get(site.siteId()), from, to);
                    long visitors = site.visitorsByDay().values().stream().mapToLong(Integer::longValue).sum();
                    checks.add(new TruthCheck.SiteCheck(site.siteId(), site.pageviews(), totals.pageviews(), site.customEvents(),
                            totals.events(), visitors, totals.visitors()));
                }
                QueryClient.Totals probeTotals = query.aggregate(PROBE_SITE, probeKey, from, to);
                checks.add(new TruthCheck.SiteCheck(PROBE_SITE, probes, probeTotals.pageviews(), 0, probeTotals.events(), probeVisitors,
                        probeTotals.visitors()));
            } catch (IOException e) {
                LOG.warn("Query API: {}", e.getMessage());
            }
            result = new TruthCheck.Result(checks, uncertain, (System.nanoTime() - start) / 1e9);
            boolean countsMatch = !checks.isEmpty() && checks.stream().allMatch(TruthCheck.SiteCheck::countsExact);
            if (countsMatch || System.nanoTime() > deadline) {
                return result;
            }
            Thread.sleep(2_000); // polling the API of other processes; nothing in this JVM to wait on
        }
    }

    private static void createTopics(String bootstrap, TopicCatalogue topics, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> all = new ArrayList<>();
            for (Topic<?, ?> topic : topics.all()) {
                all.add(new NewTopic(topic.name(), partitions, (short) 1).configs(topic.config()));
            }
            admin.createTopics(all).all().get(60, TimeUnit.SECONDS);
            TopicReadiness.awaitLeaders(admin, all.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
        }
    }

    private static void waitFor(Duration duration, StackProcesses stack) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            requireAlive(stack);
            sleepUntil(Math.min(end, System.nanoTime() + 1_000_000_000L));
        }
    }

    private static void requireAlive(StackProcesses stack) {
        List<String> dead = stack.deadServices();
        if (!dead.isEmpty()) {
            throw new IllegalStateException("A service exited during the benchmark: " + dead);
        }
    }

    /** Paces the sampling loop. */
    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }
    }

    /** Reads the stage counters: gateway and sink {@code /metrics}, topic end offsets. */
    static final class Stages {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        private final KafkaOffsets offsets;
        private final TopicCatalogue topics;
        private final StackProcesses stack;

        Stages(KafkaOffsets offsets, TopicCatalogue topics, StackProcesses stack) {
            this.offsets = offsets;
            this.topics = topics;
            this.stack = stack;
        }

        StageCounters read() {
            String gateway = metrics(GATEWAY);
            String sink = metrics(SINK);
            return new StageCounters(System.nanoTime(),
                    PrometheusText.sum(gateway, "tally_gateway_events_accepted_total"),
                    offsets.records(List.of(topics.rawEvents().name())),
                    offsets.records(List.of(topics.enrichedEvents().name())),
                    offsets.records(rollupTopics(topics)),
                    PrometheusText.byLabel(sink, "tally_sink_writes_total", "kind"),
                    PrometheusText.byLabel(sink, "tally_sink_rows_written_total", "kind"));
        }

        /** Events the gateway refused, any reason (the generator's own counts arrive only at the end of its run). */
        long gatewayRejected() {
            return (long) PrometheusText.sum(metrics(GATEWAY), "tally_gateway_events_rejected_total");
        }

        private String metrics(String service) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(stack.url(service) + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
            } catch (IOException e) {
                throw new IllegalStateException("Could not read the " + service + "'s metrics: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }
    }

    /** What the benchmark started, stopped in reverse order once: at the end, on failure, or on SIGTERM. */
    static final class Cleanup {
        private final Deque<AutoCloseable> started = new ArrayDeque<>();
        private boolean closed;

        synchronized <T extends AutoCloseable> T add(T resource) {
            if (closed) {
                throw new IllegalStateException("The benchmark is stopping");
            }
            started.push(resource);
            return resource;
        }

        synchronized void close() {
            closed = true;
            while (!started.isEmpty()) {
                try {
                    started.pop().close();
                } catch (Exception e) {
                    LOG.warn("Stopping failed: {}", e.toString());
                }
            }
        }
    }
}

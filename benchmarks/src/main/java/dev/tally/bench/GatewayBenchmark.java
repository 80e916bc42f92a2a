package dev.tally.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import dev.tally.deploy.cluster.TopicReadiness;
import dev.tally.bench.load.OpenLoopLoad;
import dev.tally.bench.load.PixelRequests;
import dev.tally.bench.load.Wrk;
import dev.tally.bench.load.WrkResult;
import dev.tally.bench.proc.CpuUsage;
import dev.tally.bench.proc.GcLog;
import dev.tally.bench.proc.JavaChild;
import dev.tally.bench.proc.ProcStats;
import dev.tally.bench.report.DocSection;
import dev.tally.bench.report.GatewayReport;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.LocalClusterSettings;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.store.CassandraConfig;
import dev.tally.store.CassandraSessions;
import dev.tally.store.IdentityMode;
import dev.tally.store.SchemaMigrator;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest gateway's pixel throughput against a bare Undertow server answering the same GIF, in one run.
 *
 * <p>Starts the real local Kafka broker and Cassandra node ({@link LocalCluster}), creates the raw events
 * topic (6 partitions), applies the CQL schema and registers site {@code bench}; then starts the gateway
 * ({@code GatewayApp}) and the {@link BareGifServer} as two child JVMs with the same heap limit. For each
 * round, both servers are loaded one after the other by wrk with the same threads, connections and
 * duration (closed loop: the maximum rate); then both are loaded at half of the gateway's median maximum
 * by {@link OpenLoopLoad} (constant rate: latency). Prints a summary and the Markdown section of
 * {@code docs/benchmarks.md}, and updates that document if asked to. Stops everything it started.
 *
 * <p>Options, with their defaults: {@code --rounds 3 --threads 2 --connections 256 --duration 15 --warmup 5
 * --first-warmup 30 --latency-duration 15 --latency-connections 1024 --heap 256m --sweep 64,1024
 * --without-kafka true --profile false --gateway-config ""}, and {@code --work-dir DIR --doc docs/benchmarks.md --command "..."
 * --quiet-note "..."} for the report. {@code --sweep} adds one wrk run per server for each listed connection
 * count ({@code none}: no sweep); {@code --without-kafka} adds {@link GatewayWithoutKafka} to that sweep;
 * {@code --profile true} records the gateway with Java Flight Recorder into the work directory;
 * {@code --gateway-config key=value,...} gives the gateway settings beyond its defaults through a
 * configuration file (for example {@code gateway.kafka.producer.linger.ms=1}), for trying alternatives.
 */
public final class GatewayBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayBenchmark.class);
    static final String NAMESPACE = "bench";
    static final String KEYSPACE = "bench";
    private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
    private static final int PARTITIONS = 6;
    private static final int REQUEST_MIX = 64;
    static final String GATEWAY = "gateway";
    static final String BARE = "bare";
    static final String WITHOUT_KAFKA = "gateway without Kafka";

    /** What to run; see the class comment for the option names. */
    public record Settings(int rounds, int threads, int connections, Duration duration, Duration warmup, Duration firstWarmup,
                           Duration latencyDuration, int latencyConnections, String heap, Path workDir, Path doc, String command, String quietNote,
                           boolean profile, List<Integer> sweep, boolean withoutKafka, Map<String, String> gatewayConfig) {

        static Settings parse(String[] args) {
            Map<String, String> options = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("Expected --option value pairs, got " + Arrays.toString(args));
                }
                options.put(args[i].substring(2), args[i + 1]);
            }
            Settings settings = new Settings(
                    Integer.parseInt(options.getOrDefault("rounds", "3")),
                    Integer.parseInt(options.getOrDefault("threads", "2")),
                    Integer.parseInt(options.getOrDefault("connections", "256")),
                    Duration.ofSeconds(Long.parseLong(options.getOrDefault("duration", "15"))),
                    Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "5"))),
                    Duration.ofSeconds(Long.parseLong(options.getOrDefault("first-warmup", "30"))),
                    Duration.ofSeconds(Long.parseLong(options.getOrDefault("latency-duration", "15"))),
                    Integer.parseInt(options.getOrDefault("latency-connections", "1024")),
                    options.getOrDefault("heap", "256m"),
                    Path.of(options.getOrDefault("work-dir", "target/gateway-bench")).toAbsolutePath(),
                    options.containsKey("doc") ? Path.of(options.get("doc")).toAbsolutePath() : null,
                    options.getOrDefault("command", "java dev.tally.bench.GatewayBenchmark " + String.join(" ", args)),
                    options.getOrDefault("quiet-note", "not checked"),
                    Boolean.parseBoolean(options.getOrDefault("profile", "false")),
                    sweep(options.getOrDefault("sweep", "64,1024")),
                    Boolean.parseBoolean(options.getOrDefault("without-kafka", "true")),
                    keyValues(options.getOrDefault("gateway-config", "")));
            Set<String> known = Set.of("rounds", "threads", "connections", "duration", "warmup", "first-warmup", "latency-duration",
                    "latency-connections", "heap",
                    "work-dir", "doc", "command", "quiet-note", "profile", "sweep", "without-kafka", "gateway-config");
            for (String key : options.keySet()) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("Unknown option --" + key);
                }
            }
            return settings;
        }

        /** {@code gateway.kafka.producer.linger.ms=1,gateway.x=y}: settings for the gateway's configuration file. */
        private static Map<String, String> keyValues(String list) {
            Map<String, String> values = new TreeMap<>();
            for (String pair : list.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException("Expected key=value in --gateway-config, got " + pair);
                }
                values.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
            }
            return Map.copyOf(values);
        }

        private static List<Integer> sweep(String list) {
            return list.equals("none") ? List.of() : Arrays.stream(list.split(",")).map(String::trim).map(Integer::valueOf).toList();
        }
    }

    /** One wrk run against one server, with the CPU each process used meanwhile. */
    public record ThroughputRun(String server, int round, WrkResult wrk, Map<String, Double> cores) {}

    /** One open-loop run against one server. */
    public record LatencyRun(String server, int round, OpenLoopLoad.Result result, Map<String, Double> cores) {}

    /** What the gateway JVM looked like at the end. */
    public record GatewayHealth(double rssMiB, double peakRssMiB, double bareRssMiB, double barePeakRssMiB, GcLog gc,
                                GcLog bareGc, boolean alive, boolean outOfMemory, long acceptedEvents,
                                long eventsInTopic, Map<String, Double> busiestThreads) {}

    private GatewayBenchmark() {}

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        Cleanup cleanup = new Cleanup();
        // Ctrl-C or the script's deadline: stop wrk, the servers and the cluster, not only this JVM.
        Thread hook = new Thread(cleanup::close, "benchmark-cleanup");
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
            DocSection.update(settings.doc(), GatewayReport.HEADING, GatewayReport.MARKER_ID, report);
            System.out.println("Updated " + settings.doc());
        }
    }

    static String run(Settings settings, Cleanup cleanup) throws Exception {
        Files.createDirectories(settings.workDir());
        GatewayReport.Machine machine = GatewayReport.Machine.read(settings);
        LOG.info("Machine: {}", machine);
        LocalCluster cluster = cleanup.add(LocalCluster.start(LocalClusterSettings.onFreePorts(settings.workDir().resolve("cluster"))));
        String bootstrap = cluster.kafka().bootstrapServers();
        InetSocketAddress cql = cluster.cassandra().cqlAddress();
        Topic<?, ?> raw = TopicCatalogue.forNamespace(NAMESPACE).rawEvents();
        createTopic(bootstrap, raw);
        prepareCassandra(cql);

        int gatewayPort = freePort();
        int barePort = freePort();
        List<String> jvm = List.of("-Xmx" + settings.heap());
        Path gatewayGc = settings.workDir().resolve("gateway-gc.log");
        Path bareGc = settings.workDir().resolve("bare-gc.log");
        Map<String, String> gatewayEnv = new TreeMap<>(Map.of(
                "TALLY_GATEWAY_HTTP_HOST", "127.0.0.1",
                "TALLY_GATEWAY_HTTP_PORT", Integer.toString(gatewayPort),
                "TALLY_KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "TALLY_TOPICS_NAMESPACE", NAMESPACE,
                "TALLY_CASSANDRA_CONTACT_POINTS", cql.getHostString() + ":" + cql.getPort(),
                "TALLY_CASSANDRA_KEYSPACE", KEYSPACE));
        if (!settings.gatewayConfig().isEmpty()) {
            // Pass-through settings (producer keys) have no environment variable of their own: a config file.
            Path file = settings.workDir().resolve("gateway.properties");
            Files.writeString(file, settings.gatewayConfig().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(Collectors.joining()));
            gatewayEnv.put("TALLY_CONFIG_FILE", file.toString());
        }
        List<String> gatewayJvm = concat(jvm, "-Xlog:gc:file=" + gatewayGc);
        if (settings.profile()) {
            // Method samples for finding what limits the gateway: `jfr print --events jdk.ExecutionSample gateway.jfr`.
            gatewayJvm = concat(gatewayJvm, "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + settings.workDir().resolve("gateway.jfr"));
        }
        JavaChild gateway = cleanup.add(JavaChild.start(GATEWAY, gatewayJvm,
                "dev.tally.gateway.GatewayApp", List.of(), gatewayEnv, settings.workDir().resolve("gateway.log")));
        JavaChild bare = cleanup.add(JavaChild.start(BARE, concat(jvm, "-Xlog:gc:file=" + bareGc), BareGifServer.class.getName(),
                List.of(Integer.toString(barePort)), Map.of(), settings.workDir().resolve("bare.log")));
        String gatewayUrl = "http://127.0.0.1:" + gatewayPort;
        String bareUrl = "http://127.0.0.1:" + barePort;
        gateway.awaitReady(gatewayUrl + "/readyz", Duration.ofSeconds(90));
        bare.awaitReady(bareUrl + "/readyz", Duration.ofSeconds(30));
        checkSameResponse(gatewayUrl, bareUrl);
        Map<String, Integer> ports = new LinkedHashMap<>(Map.of(GATEWAY, gatewayPort, BARE, barePort));
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put(GATEWAY, gateway.pid());
        pids.put(BARE, bare.pid());
        pids.put("kafka", cluster.kafka().pid());
        pids.put("cassandra", cluster.cassandra().pid());
        if (settings.withoutKafka()) {
            int port = freePort();
            JavaChild diagnostic = cleanup.add(JavaChild.start(WITHOUT_KAFKA, concat(jvm, "-Xlog:gc:file=" + settings.workDir().resolve("without-kafka-gc.log")),
                    GatewayWithoutKafka.class.getName(), List.of(),
                    Map.of("TALLY_GATEWAY_HTTP_HOST", "127.0.0.1", "TALLY_GATEWAY_HTTP_PORT", Integer.toString(port)),
                    settings.workDir().resolve("without-kafka.log")));
            diagnostic.awaitReady("http://127.0.0.1:" + port + "/healthz", Duration.ofSeconds(60));
            checkSameResponse("http://127.0.0.1:" + port, bareUrl);
            ports.put(WITHOUT_KAFKA, port);
            pids.put(WITHOUT_KAFKA, diagnostic.pid());
        }

        CpuUsage cpu = new CpuUsage(pids);
        Wrk wrk = cleanup.add(new Wrk(settings.workDir().resolve("pixel-mix.lua"), PixelRequests.mix(REQUEST_MIX),
                settings.threads(), settings.connections()));
        GatewayThreads gatewayThreads = new GatewayThreads(gateway.pid());
        List<ThroughputRun> throughput = measureMaximum(settings, wrk, ports, cpu, gatewayThreads, gateway, bare);
        double gatewayMax = GatewayReport.median(throughput.stream().filter(r -> r.server().equals(GATEWAY))
                .mapToDouble(r -> r.wrk().requestsPerSecond()).toArray());
        double rate = Math.max(100, Math.floor(gatewayMax / 2 / 100) * 100);
        LOG.info("Latency at {} req/s, half of the gateway's median maximum of {} req/s", rate, Math.round(gatewayMax));
        List<LatencyRun> latency = measureLatency(settings, rate, ports, cpu, gateway, bare);
        String sweep = settings.sweep().isEmpty() ? "" : connectionSweep(settings, ports, cpu, cleanup);

        GatewayHealth health = new GatewayHealth(
                ProcStats.rssMiB(gateway.pid()), ProcStats.peakRssMiB(gateway.pid()),
                ProcStats.rssMiB(bare.pid()), ProcStats.peakRssMiB(bare.pid()),
                GcLog.read(gatewayGc), GcLog.read(bareGc), gateway.isAlive(),
                Files.readString(gateway.output()).contains("OutOfMemoryError"),
                acceptedPixelEvents(gatewayUrl), eventsInTopic(bootstrap, raw.name()),
                gatewayThreads.busiest());
        LOG.info("Gateway: RSS {} MiB (peak {} MiB); GC {}", Math.round(health.rssMiB()), Math.round(health.peakRssMiB()),
                health.gc().summary());
        List<String> wrkCommand = wrk.command("http://127.0.0.1:PORT", settings.duration()).stream()
                .map(arg -> arg.equals(settings.workDir().resolve("pixel-mix.lua").toString()) ? "pixel-mix.lua" : arg).toList();
        return GatewayReport.render(settings, machine, wrkCommand,
                throughput, rate, latency, health, sweep);
    }

    /** wrk, closed loop: a long first warm-up per server, then per round a short warm-up and a measured run each. */
    private static List<ThroughputRun> measureMaximum(Settings settings, Wrk wrk, Map<String, Integer> ports, CpuUsage cpu,
                                                      GatewayThreads gatewayThreads, JavaChild gateway, JavaChild bare) {
        Path log = settings.workDir().resolve("wrk.log");
        // The broker's and the gateway's JIT need far longer than a few seconds: without this, round 1
        // measured the gateway at a third of its later rate.
        for (String server : List.of(GATEWAY, BARE)) {
            LOG.info("Warm-up: {} for {} s", server, settings.firstWarmup().toSeconds());
            wrk.run("http://127.0.0.1:" + ports.get(server), settings.firstWarmup(), log);
        }
        List<ThroughputRun> runs = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            for (String server : order(round)) {
                String url = "http://127.0.0.1:" + ports.get(server);
                wrk.run(url, settings.warmup(), log);
                boolean isGateway = server.equals(GATEWAY);
                if (isGateway) {
                    gatewayThreads.start();
                }
                CpuUsage.Snapshot before = cpu.snapshot();
                WrkResult result = wrk.run(url, settings.duration(), log);
                CpuUsage.Snapshot after = cpu.snapshot();
                if (isGateway) {
                    gatewayThreads.stop();
                }
                ThroughputRun run = new ThroughputRun(server, round, result, CpuUsage.cores(before, after));
                LOG.info("Round {} {}: {} req/s, {} non-2xx, {} socket errors; CPU cores: {}", round, server,
                        Math.round(result.requestsPerSecond()), result.non2xx(), result.socketErrors(),
                        GatewayReport.formatCores(run.cores()));
                runs.add(run);
                requireAlive(gateway, bare);
            }
        }
        return runs;
    }

    /** Open loop at a constant rate, per round both servers, the one that went second before going first now. */
    private static List<LatencyRun> measureLatency(Settings settings, double rate, Map<String, Integer> ports, CpuUsage cpu,
                                                   JavaChild gateway, JavaChild bare) {
        List<LatencyRun> runs = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            for (String server : order(round + 1)) {
                OpenLoopLoad load = new OpenLoopLoad(new InetSocketAddress("127.0.0.1", ports.get(server)),
                        PixelRequests.mix(REQUEST_MIX), settings.latencyConnections());
                CpuUsage.Snapshot before = cpu.snapshot();
                OpenLoopLoad.Result result = load.run(rate, settings.warmup(), settings.latencyDuration());
                CpuUsage.Snapshot after = cpu.snapshot();
                LatencyRun run = new LatencyRun(server, round, result, CpuUsage.cores(before, after));
                LOG.info("Round {} {}: {}; CPU cores: {}", round, server, result.summary(), GatewayReport.formatCores(run.cores()));
                runs.add(run);
                requireAlive(gateway, bare);
            }
        }
        return runs;
    }

    /** The gateway's CPU per thread pool, summed over its measured wrk runs. */
    private static final class GatewayThreads {
        private final long pid;
        private final Map<String, Double> used = new TreeMap<>();
        private Map<String, Double> atStart = Map.of();
        private long startNanos;
        private double seconds;

        GatewayThreads(long pid) {
            this.pid = pid;
        }

        void start() {
            atStart = ProcStats.threadCpuSeconds(pid);
            startNanos = System.nanoTime();
        }

        void stop() {
            seconds += (System.nanoTime() - startNanos) / 1e9;
            ProcStats.threadCpuSeconds(pid).forEach((name, total) -> used.merge(name, total - atStart.getOrDefault(name, 0.0), Double::sum));
        }

        /** The eight busiest pools, in cores. */
        Map<String, Double> busiest() {
            Map<String, Double> busiest = new LinkedHashMap<>();
            if (seconds > 0) {
                ProcStats.busiest(Map.of(), used, seconds, 8).forEach(e -> busiest.put(e.getKey(), e.getValue()));
            }
            return busiest;
        }
    }

    /**
     * How the maximum rate of each server depends on wrk's connections (one run per server and count):
     * the gateway answers only after Kafka acknowledged the event, so with few connections a closed
     * loop measures its latency, not its capacity.
     */
    private static String connectionSweep(Settings settings, Map<String, Integer> ports, CpuUsage cpu, Cleanup cleanup) {
        List<String> servers = new ArrayList<>(List.of(BARE, GATEWAY));
        if (ports.containsKey(WITHOUT_KAFKA)) {
            servers.add(WITHOUT_KAFKA);
        }
        StringBuilder table = new StringBuilder("| connections |");
        servers.forEach(server -> table.append(' ').append(server).append(" req/s |"));
        table.append(" gateway / bare | gateway CPU | Kafka CPU | wrk CPU | machine CPU |\n|---:|");
        servers.forEach(server -> table.append("---:|"));
        table.append("---:|---:|---:|---:|---:|\n");
        Path log = settings.workDir().resolve("wrk.log");
        for (int connections : settings.sweep()) {
            Wrk wrk = cleanup.add(new Wrk(settings.workDir().resolve("pixel-mix.lua"), PixelRequests.mix(REQUEST_MIX),
                    settings.threads(), connections));
            Map<String, Double> rates = new LinkedHashMap<>();
            Map<String, Double> gatewayCores = Map.of();
            for (String server : servers) {
                String url = "http://127.0.0.1:" + ports.get(server);
                wrk.run(url, settings.warmup(), log);
                CpuUsage.Snapshot before = cpu.snapshot();
                WrkResult result = wrk.run(url, settings.duration(), log);
                Map<String, Double> cores = CpuUsage.cores(before, cpu.snapshot());
                if (server.equals(GATEWAY)) {
                    gatewayCores = cores;
                }
                rates.put(server, result.clean() ? result.requestsPerSecond() : Double.NaN);
                LOG.info("{} connections, {}: {} req/s, {} non-2xx, {} socket errors; CPU cores: {}", connections, server,
                        Math.round(result.requestsPerSecond()), result.non2xx(), result.socketErrors(), GatewayReport.formatCores(cores));
            }
            table.append("| ").append(connections).append(" |");
            servers.forEach(server -> table.append(String.format(Locale.ROOT, " %,.0f |", rates.get(server))));
            table.append(String.format(Locale.ROOT, " %.0f%% | %.2f | %.2f | %.2f | %.2f |%n",
                    100 * rates.get(GATEWAY) / rates.get(BARE), gatewayCores.get(GATEWAY), gatewayCores.get("kafka"),
                    gatewayCores.get(CpuUsage.WAITED_CHILDREN), gatewayCores.get(CpuUsage.MACHINE)));
        }
        return table.toString();
    }

    /** What the benchmark started, stopped in reverse order once: at the end, on failure, or on SIGTERM. */
    static final class Cleanup {
        private final Deque<AutoCloseable> started = new ArrayDeque<>();
        private boolean closed;

        synchronized <T extends AutoCloseable> T add(T resource) {
            if (closed) {
                closeQuietly(resource);
                throw new IllegalStateException("The benchmark is stopping");
            }
            started.push(resource);
            return resource;
        }

        synchronized void close() {
            closed = true;
            while (!started.isEmpty()) {
                closeQuietly(started.pop());
            }
        }

        private static void closeQuietly(AutoCloseable resource) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("Stopping {} failed: {}", resource.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** Alternates which server goes first, so a drift during the run (a warming JIT, a busy neighbour) hits both. */
    private static List<String> order(int round) {
        return round % 2 == 1 ? List.of(BARE, GATEWAY) : List.of(GATEWAY, BARE);
    }

    private static void createTopic(String bootstrap, Topic<?, ?> topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic.name(), PARTITIONS, (short) 1).configs(topic.config())))
                    .all().get(30, TimeUnit.SECONDS);
            TopicReadiness.awaitLeaders(admin, List.of(topic.name()), Duration.ofSeconds(60));
        }
    }

    private static void prepareCassandra(InetSocketAddress cql) {
        CassandraConfig config = new CassandraConfig(List.of(InetSocketAddress.createUnresolved(cql.getHostString(), cql.getPort())),
                "datacenter1", KEYSPACE, REPLICATION, DefaultConsistencyLevel.ONE, 8);
        try (CqlSession session = CassandraSessions.openOrFail(config, "tally-benchmark")) {
            new SchemaMigrator(session, KEYSPACE, REPLICATION).migrate();
            new SiteTable(session, KEYSPACE, DefaultConsistencyLevel.ONE).save(new Site(PixelRequests.SITE,
                    Set.of(PixelRequests.HOST), ZoneId.of("UTC"), IdentityMode.COOKIELESS, 30, Site.hashKey(Site.newKey())));
        }
    }

    /**
     * The benchmark compares like with like only if both servers answer the pixel the same way: same
     * status, same headers (but Date), same 43 bytes.
     */
    private static void checkSameResponse(String gatewayUrl, String bareUrl) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> fromGateway = client.send(HttpRequest.newBuilder(URI.create(gatewayUrl + PixelRequests.FIRST_PATH)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> fromBare = client.send(HttpRequest.newBuilder(URI.create(bareUrl + PixelRequests.FIRST_PATH)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        Map<String, List<String>> gatewayHeaders = withoutDate(fromGateway.headers());
        Map<String, List<String>> bareHeaders = withoutDate(fromBare.headers());
        if (fromGateway.statusCode() != 200 || fromBare.statusCode() != 200 || !gatewayHeaders.equals(bareHeaders)
                || !Arrays.equals(fromGateway.body(), fromBare.body()) || fromBare.body().length != 43) {
            throw new IllegalStateException("The servers answer the pixel differently: gateway " + fromGateway.statusCode() + " "
                    + gatewayHeaders + " " + fromGateway.body().length + " bytes, bare " + fromBare.statusCode() + " " + bareHeaders
                    + " " + fromBare.body().length + " bytes");
        }
        LOG.info("Both servers answer the pixel alike: 200, {}, {} bytes", gatewayHeaders, fromGateway.body().length);
    }

    private static Map<String, List<String>> withoutDate(HttpHeaders headers) {
        return headers.map().entrySet().stream().filter(e -> !e.getKey().equalsIgnoreCase("date"))
                .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** {@code tally_gateway_events_accepted_total{endpoint="pixel"}} from the gateway's /metrics. */
    private static long acceptedPixelEvents(String gatewayUrl) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("tally_gateway_events_accepted_total{") && line.contains("\"pixel\"")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    private static long eventsInTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        }
    }

    private static void requireAlive(JavaChild gateway, JavaChild bare) {
        if (!gateway.isAlive() || !bare.isAlive()) {
            throw new IllegalStateException("A server died during the benchmark; see " + gateway.output() + " and " + bare.output());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> concat(List<String> list, String extra) {
        List<String> all = new ArrayList<>(list);
        all.add(extra);
        return all;
    }
}

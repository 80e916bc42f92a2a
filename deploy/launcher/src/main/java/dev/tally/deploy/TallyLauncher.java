package dev.tally.deploy;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.common.RunningService;
import dev.tally.common.config.ConfigException;
import dev.tally.common.config.ConfigSource;
import dev.tally.deploy.traffic.TrafficConfig;
import dev.tally.deploy.traffic.TrafficGenerator;
import dev.tally.deploy.traffic.TrafficReport;
import dev.tally.deploy.traffic.model.SiteProfile;
import dev.tally.deploy.traffic.model.TrafficMix;
import dev.tally.aggregator.config.AggregatorConfig;
import dev.tally.aggregator.recompute.RollupRecompute;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.store.CassandraConfig;
import dev.tally.store.CassandraSessions;
import dev.tally.store.RawEventRow;
import dev.tally.store.RawEventTable;
import dev.tally.sink.config.SinkConfig;
import dev.tally.store.IdentityMode;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import dev.tally.store.Stripes;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./tally <command>}: {@code run} starts the whole system locally and stops it on Ctrl-C
 * ({@code --demo} adds simulated visitors); {@code events} prints the latest stored raw events of a
 * site; {@code recompute} rebuilds a site's rollups of past days from its raw events (counting events
 * that arrived too late for the stream); {@code sites} manages the site registry; {@code traffic} sends
 * simulated visitors to a running stack and can write their ground truth.
 */
public final class TallyLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(TallyLauncher.class);
    private static final PrintStream OUT = System.out;

    private TallyLauncher() {}

    public static void main(String[] args) {
        try {
            List<String> rest = new ArrayList<>(List.of(args));
            String command = rest.isEmpty() ? "help" : rest.remove(0);
            int status = switch (command) {
                case "run" -> {
                    boolean demo = rest.remove("--demo");
                    yield run(options(rest, List.of("--data-dir")), demo);
                }
                case "traffic" -> traffic(options(rest, List.of("--data-dir", "--gateway", "--rate", "--sites", "--duration", "--seed",
                        "--truth", "--site-prefix", "--connections")));
                case "events" -> events(options(rest, List.of("--data-dir", "--site", "--limit", "--day")));
                case "recompute" -> recompute(options(rest, List.of("--data-dir", "--site", "--from", "--to", "--backfill-days")));
                case "sites" -> sites(rest);
                case "help", "--help", "-h" -> help(0);
                default -> {
                    OUT.println("Unknown command '" + command + "'.");
                    yield help(2);
                }
            };
            if (status != 0) {
                System.exit(status);
            }
        } catch (UsageException | ConfigException e) {
            OUT.println(e.getMessage());
            System.exit(2);
        }
    }

    private static int help(int status) {
        OUT.println("""
                Usage: ./tally <command> [options]

                  run     [--demo] [--data-dir DIR]  start Kafka, Cassandra and every Tally service; Ctrl-C stops all
                                                     --demo: simulated visitors on a few sites, so the dashboard is alive at once
                  events  --site ID [--limit N] [--day YYYY-MM-DD] [--data-dir DIR]
                                                     print the latest raw events of a site (default: today, UTC)
                  recompute --site ID --from YYYY-MM-DD [--to YYYY-MM-DD] [--backfill-days N] [--data-dir DIR]
                                                     rebuild the site's minute, hour and day rollups of those UTC days
                                                     from its raw events, late ones included (days must have closed:
                                                     end + grace period); events received up to N days later count
                                                     where their client time puts them (keyed backfills; default: all)
                  sites list                         list the registered sites
                  sites add ID --hosts H1,H2 [--timezone ZONE] [--identity cookieless|cookie] [--retention-days N]
                                                     register a site and print its key (shown once)
                  sites remove ID                    unregister a site (its stored data stays)
                  traffic [--rate N] [--sites S] [--duration D] [--seed X] [--truth FILE] [--site-prefix P]
                          [--connections C] [--gateway URL]
                                                     send simulated visitors to the running stack (default 100 events/s,
                                                     5 sites, 60s, seed 1) and write what the gateway stored as JSON

                Settings come from environment variables, e.g. TALLY_GATEWAY_HTTP_PORT=8090 (see docs/configuration.md).""");
        return status;
    }

    private static int run(Map<String, String> options, boolean demo) throws ConfigException {
        long started = System.nanoTime();
        LauncherConfig config = LauncherConfig.load(launcherOverrides(options));
        LOG.info("Starting Tally with data in {}", config.dataDir());
        LocalStack stack;
        try {
            stack = LocalStack.start(config.cluster(), config.services(demo));
        } catch (RuntimeException e) {
            LOG.error("Tally did not start: {}", causes(e));
            LOG.debug("Start-up failure", e);
            return 1;
        }
        DemoTraffic traffic = null;
        if (demo) {
            try {
                traffic = startDemoTraffic(stack, config);
            } catch (RuntimeException e) {
                LOG.error("Demo traffic did not start: {}", causes(e));
                stack.close();
                return 1;
            }
        }
        DemoTraffic runningTraffic = traffic;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping Tally...");
            if (runningTraffic != null) {
                runningTraffic.close();
            }
            stack.close();
            EndpointsFile.delete(config.dataDir());
            LOG.info("Tally stopped; data kept in {}", config.dataDir());
            stopped.countDown();
        }, "tally-shutdown"));

        Map<String, String> endpoints = endpoints(stack, config);
        EndpointsFile.write(config.dataDir(), endpoints);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        printBanner(endpoints, took, config);
        String dashboard = endpoints.get("query-api.http");
        stack.newDemoSiteKey().ifPresent(key -> OUT.printf("%nRegistered the demo site. Its key (shown only now): %s%n"
                + "Its dashboard (the link hands the key to your browser): %s%n", key, dashboardLink(dashboard, "demo", "today", key)));
        if (traffic != null) {
            OUT.printf("%nDemo traffic: %d events/s of simulated visitors. Watch it arrive on the dashboard (each link hands"
                    + " the site's key to your browser, which keeps it):%n", config.demoEventsPerSecond());
            traffic.siteKeys().forEach((site, key) -> OUT.printf("  %-16s %s%n", site, dashboardLink(dashboard, site, "realtime", key)));
        }
        OUT.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The key goes in the fragment, which browsers never send to a server; the dashboard stores it and drops it from the address. */
    static String dashboardLink(String dashboard, String site, String period, String key) {
        return dashboard + "/?site=" + URLEncoder.encode(site, StandardCharsets.UTF_8) + "&period=" + period
                + "#key=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private static DemoTraffic startDemoTraffic(LocalStack stack, LauncherConfig config) {
        GatewayConfig gateway = GatewayConfig.load(Map.of());
        TrafficMix mix = lateWithinTheStacksLimits(TrafficMix.defaults(System.currentTimeMillis(), config.demoSites()), gateway);
        TrafficConfig traffic = TrafficConfig.of(mix, config.demoEventsPerSecond(), null)
                .withPaths(gateway.pixelPath(), gateway.eventsPath())
                .withProgressEvery(Duration.ofMinutes(5));
        DemoTraffic demo = DemoTraffic.start(stack.cassandra(), URI.create(stack.gateway().url()), traffic);
        stack.gateway().reloadSites();
        return demo;
    }

    /**
     * Late events stay inside the aggregator's grace period (at most 8 minutes, or four fifths of a
     * shorter grace), and go with the site key beyond the gateway's allowed clock skew, as configured
     * for this stack (the same environment).
     */
    private static TrafficMix lateWithinTheStacksLimits(TrafficMix mix, GatewayConfig gateway) {
        Duration grace = AggregatorConfig.load(Map.of()).grace();
        Duration lateness = grace.multipliedBy(4).dividedBy(5);
        if (lateness.compareTo(Duration.ofMinutes(8)) > 0) {
            lateness = Duration.ofMinutes(8);
        }
        if (lateness.toSeconds() < 5) {
            return mix.withShares(mix.botShare(), mix.returningShare(), 0, mix.pixelShare()); // no room for late events
        }
        return mix.withLateness(lateness, gateway.maxClockSkew());
    }

    private static int traffic(Map<String, String> options) throws ConfigException {
        double rate = parseDouble(options.getOrDefault("--rate", "100"), "--rate");
        int sites = parseInt(options.getOrDefault("--sites", "5"), "--sites");
        Duration duration = parseDuration(options.getOrDefault("--duration", "60s"), "--duration");
        long seed;
        try {
            seed = Long.parseLong(options.getOrDefault("--seed", "1"));
        } catch (NumberFormatException e) {
            throw new UsageException("--seed must be a whole number");
        }
        LauncherConfig launcher = LauncherConfig.load(launcherOverrides(options));
        URI gatewayUri = options.containsKey("--gateway") ? parseUri(options.get("--gateway")) : gatewayOf(launcher.dataDir());
        GatewayConfig gateway = GatewayConfig.load(Map.of());
        TrafficMix mix;
        TrafficConfig config;
        try {
            mix = lateWithinTheStacksLimits(TrafficMix.defaults(seed, sites), gateway)
                    .withSiteIdPrefix(options.getOrDefault("--site-prefix", ""));
            config = TrafficConfig.of(mix, rate, duration).withPaths(gateway.pixelPath(), gateway.eventsPath())
                    .withProgressEvery(Duration.ofSeconds(10));
            if (options.containsKey("--connections")) {
                config = config.withConnections(parseInt(options.get("--connections"), "--connections"));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        TrafficGenerator generator;
        try {
            generator = DemoTraffic.prepare(cassandraOf(launcher), gatewayUri, config);
        } catch (AllNodesFailedException e) {
            OUT.println("Cassandra is not reachable at " + launcher.host() + ":" + launcher.cqlPort() + ". Is Tally running (./tally run)?");
            return 1;
        } catch (IllegalArgumentException e) {
            OUT.println("Cannot register the simulated sites: " + e.getMessage());
            return 1;
        }
        // Registering gives every simulated site a new key, shown only here, as for ./tally run --demo.
        Optional<String> dashboard = dashboardOf(launcher.dataDir());
        OUT.println("Simulated sites, registered with new keys (shown only now)"
                + (dashboard.isPresent() ? "; each link hands the site's key to your browser:" : ":"));
        for (SiteProfile site : generator.sites()) {
            String key = generator.siteKeys().get(site.id());
            OUT.printf("  %-16s %s%n", site.id(), dashboard.map(url -> dashboardLink(url, site.id(), "realtime", key)).orElse(key));
        }
        OUT.println("Visitors are told apart only if the gateway trusts X-Forwarded-For from this machine (./tally run --demo does).");
        CountDownLatch finished = new CountDownLatch(1);
        Thread stopOnCtrlC = new Thread(() -> {
            generator.stop();
            try {
                finished.await(40, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "traffic-stop");
        Runtime.getRuntime().addShutdownHook(stopOnCtrlC);
        try {
            generator.awaitSitesReady(Duration.ofSeconds(30));
            TrafficReport report = generator.run();
            OUT.println(report.summary());
            if (options.containsKey("--truth")) {
                Path file = Path.of(options.get("--truth"));
                report.truth().writeJson(file);
                OUT.println("Ground truth written to " + file.toAbsolutePath());
            }
            return report.rejectedTotal() == 0 && report.eventsUnanswered() == 0 ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (IllegalStateException e) {
            OUT.println(e.getMessage());
            return 1;
        } finally {
            finished.countDown();
        }
    }

    /** The running stack's gateway, from the endpoints file {@code ./tally run} writes. */
    private static URI gatewayOf(Path dataDir) {
        Path file = dataDir.resolve(EndpointsFile.NAME);
        try {
            String url = EndpointsFile.read(dataDir).get("ingest-gateway.http");
            if (url == null) {
                throw new UsageException(file + " names no ingest-gateway.http; pass --gateway http://host:port");
            }
            return URI.create(url);
        } catch (java.io.IOException e) {
            throw new UsageException("No running stack found (" + file + " is missing). Start one with ./tally run --demo, or pass --gateway http://host:port");
        }
    }

    /** The running stack's dashboard, from the same endpoints file, if it names one. */
    private static Optional<String> dashboardOf(Path dataDir) {
        try {
            return Optional.ofNullable(EndpointsFile.read(dataDir).get("query-api.http"));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static URI parseUri(String text) {
        try {
            URI uri = URI.create(text);
            if (uri.getHost() == null || !"http".equals(uri.getScheme())) {
                throw new UsageException("--gateway must be an http URL such as http://127.0.0.1:8080");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--gateway must be an http URL such as http://127.0.0.1:8080");
        }
    }

    private static double parseDouble(String text, String option) {
        try {
            double value = Double.parseDouble(text);
            if (!(value > 0) || value > 1_000_000) {
                throw new UsageException(option + " must be above 0 and at most 1000000");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a number");
        }
    }

    /** {@code 90}, {@code 90s}, {@code 15m} or {@code 2h}. */
    static Duration parseDuration(String text, String option) {
        String trimmed = text.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (trimmed.endsWith("s")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        } else if (trimmed.endsWith("m")) {
            unit = 60;
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        } else if (trimmed.endsWith("h")) {
            unit = 3600;
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            long amount = Long.parseLong(trimmed);
            if (amount < 1 || amount > 366L * 24 * 3600 / unit) {
                throw new UsageException(option + " must be positive and at most a year");
            }
            return Duration.ofSeconds(amount * unit);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a duration such as 90s, 15m or 2h");
        }
    }

    private static Map<String, String> endpoints(LocalStack stack, LauncherConfig config) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        for (RunningService service : stack.services()) {
            service.endpoints().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> endpoints.put(service.name() + "." + e.getKey(), e.getValue()));
        }
        endpoints.put("kafka.bootstrap", stack.cluster().kafka().bootstrapServers());
        var cql = stack.cluster().cassandra().cqlAddress();
        endpoints.put("cassandra.cql", cql.getHostString() + ":" + cql.getPort());
        endpoints.put("data-dir", config.dataDir().toString());
        endpoints.put("launcher.pid", Long.toString(ProcessHandle.current().pid()));
        return endpoints;
    }

    private static void printBanner(Map<String, String> endpoints, Duration took, LauncherConfig config) {
        StringBuilder banner = new StringBuilder();
        banner.append(String.format("%nTally is running (started in %.1f s). Ctrl-C stops everything.%n%n", took.toMillis() / 1000.0));
        endpoints.forEach((name, address) -> banner.append(String.format("  %-26s %s%n", name, address)));
        String pixel = endpoints.get("ingest-gateway.pixel");
        banner.append(String.format("%nTry it (site 'demo' accepts pages on localhost and example.com):%n"));
        // A browser's User-Agent: curl's own is a bot's, kept raw but left out of the rollups (and so the dashboard).
        banner.append(String.format("  curl -s -A 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0' -o /dev/null"
                + " -w '%%{http_code}\\n' '%s?site=demo&url=https://example.com/hello'%n", pixel));
        banner.append(String.format("  ./tally events --site demo%n"));
        banner.append(String.format("  snippet: <script defer data-site=\"demo\" src=\"%s\"></script>%n", endpoints.get("ingest-gateway.script")));
        banner.append(String.format("%nAddresses are also in %s%n", config.dataDir().resolve(EndpointsFile.NAME)));
        OUT.print(banner);
        OUT.flush();
    }

    private static int sites(List<String> args) throws ConfigException {
        if (args.isEmpty()) {
            throw new UsageException("sites needs list, add or remove; see ./tally help");
        }
        String action = args.get(0);
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        String id = null;
        if (!action.equals("list")) {
            if (rest.isEmpty() || rest.get(0).startsWith("--")) {
                throw new UsageException("sites " + action + " needs a site id, e.g. ./tally sites " + action + " example.com");
            }
            id = rest.remove(0);
        }
        Map<String, String> options = options(rest, List.of("--data-dir", "--hosts", "--timezone", "--identity", "--retention-days"));
        LauncherConfig launcher = LauncherConfig.load(launcherOverrides(options));
        CassandraConfig cassandra = cassandraOf(launcher);
        try (CqlSession session = CassandraSessions.openOrFail(cassandra, "tally-sites-command")) {
            SiteAdmin admin = new SiteAdmin(session, cassandra);
            switch (action) {
                case "list" -> {
                    List<Site> all = admin.list();
                    OUT.printf("%d site(s):%n", all.size());
                    for (Site site : all) {
                        OUT.printf("  %-24s hosts=%s timezone=%s identity=%s retention=%dd%n", site.id(),
                                String.join(",", new java.util.TreeSet<>(site.hostnames())), site.timeZone(), site.identityMode().code(),
                                site.retentionDays());
                    }
                }
                case "add" -> {
                    String hosts = options.get("--hosts");
                    if (hosts == null) {
                        throw new UsageException("sites add needs --hosts, the host names its pages are served from, e.g. --hosts example.com,www.example.com");
                    }
                    SiteAdmin.Created created;
                    try {
                        created = admin.add(id, java.util.Set.of(hosts.split(",")), ZoneId.of(options.getOrDefault("--timezone", "UTC")),
                                IdentityMode.parse(options.getOrDefault("--identity", "cookieless")),
                                parseInt(options.getOrDefault("--retention-days", "395"), "--retention-days"));
                    } catch (IllegalArgumentException | java.time.DateTimeException e) {
                        throw new UsageException("Cannot add site '" + id + "': " + e.getMessage());
                    }
                    OUT.printf("Added site %s (hosts %s). Its key, shown only now, authorises backfill and queries:%n  %s%n",
                            created.site().id(), String.join(",", new java.util.TreeSet<>(created.site().hostnames())), created.key());
                    OUT.printf("Gateways pick it up within a few seconds. Snippet:%n  <script defer data-site=\"%s\" src=\"http://<gateway>/a.js\"></script>%n", id);
                }
                case "remove" -> OUT.println(admin.remove(id) ? "Removed site " + id + " (its stored events and rollups stay)." : "No site " + id + ".");
                default -> throw new UsageException("sites needs list, add or remove, not '" + action + "'");
            }
            return 0;
        } catch (AllNodesFailedException e) {
            OUT.println("Cassandra is not reachable at " + launcher.host() + ":" + launcher.cqlPort() + ". Is Tally running (./tally run)?");
            return 1;
        }
    }

    private static CassandraConfig cassandraOf(LauncherConfig launcher) {
        Map<String, String> settings = new HashMap<>();
        settings.put("cassandra.contact-points", launcher.host() + ":" + launcher.cqlPort());
        return SinkConfig.from(ConfigSource.load(SinkConfig.DEFAULTS, System.getenv(), settings)).cassandra();
    }

    private static int events(Map<String, String> options) throws ConfigException {
        String site = options.get("--site");
        if (site == null) {
            throw new UsageException("events needs --site ID, for example: ./tally events --site demo");
        }
        int limit = parseInt(options.getOrDefault("--limit", "20"), "--limit");
        LocalDate day;
        try {
            day = options.containsKey("--day") ? LocalDate.parse(options.get("--day")) : LocalDate.now(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new UsageException("--day must be a date such as 2026-11-22");
        }
        LauncherConfig launcher = LauncherConfig.load(launcherOverrides(options));
        CassandraConfig cassandra = cassandraOf(launcher);
        try (CqlSession session = CassandraSessions.openOrFail(cassandra, "tally-events-command")) {
            // The site's own stripe count where it has one, as the sink writes (docs/data-model.md).
            Map<String, Integer> siteStripes = new SiteTable(session, cassandra.keyspace(), cassandra.consistency()).rawStripes();
            RawEventTable table = new RawEventTable(session, cassandra.keyspace(), Stripes.perSite(cassandra.rawStripes(), siteStripes),
                    cassandra.consistency());
            List<RawEventRow> rows = table.latest(site, day, limit);
            OUT.printf("%d latest event(s) of site '%s' on %s (UTC):%n", rows.size(), site, day);
            for (RawEventRow row : rows) {
                OUT.printf("  %s  %-8s %-12s %s  visitor=%s stripe=%d id=%s%s%s%s%s%n",
                        row.eventTime(), row.type(), printable(row.name()), printable(row.url()), row.visitorId(), row.stripe(), row.eventId(),
                        row.referrer() == null ? "" : "  referrer=" + printable(row.referrer()),
                        row.title() == null ? "" : "  title=" + printable(row.title()),
                        row.value() == null ? "" : "  value=" + row.value() + (row.currency() == null ? "" : " " + row.currency()),
                        row.props().isEmpty() ? "" : "  props=" + printable(row.props().toString()));
            }
            return 0;
        } catch (AllNodesFailedException e) {
            OUT.println("Cassandra is not reachable at " + launcher.host() + ":" + launcher.cqlPort() + ". Is Tally running (./tally run)?");
            return 1;
        } catch (RuntimeException e) {
            OUT.println("Could not read events from Cassandra at " + launcher.host() + ":" + launcher.cqlPort() + ": " + e.getMessage());
            return 1;
        }
    }

    private static int recompute(Map<String, String> options) throws ConfigException {
        String site = options.get("--site");
        if (site == null || !options.containsKey("--from")) {
            throw new UsageException("recompute needs --site ID and --from YYYY-MM-DD, for example: ./tally recompute --site demo --from 2026-11-20");
        }
        LocalDate from;
        LocalDate to;
        try {
            from = LocalDate.parse(options.get("--from"));
            to = options.containsKey("--to") ? LocalDate.parse(options.get("--to")) : from;
        } catch (DateTimeParseException e) {
            throw new UsageException("--from and --to must be dates such as 2026-11-20");
        }
        if (to.isBefore(from) || to.isAfter(from.plusDays(366))) {
            throw new UsageException("--to must be on or after --from, and at most a year later");
        }
        // By default every event received since the day is searched: a keyed backfill may arrive any time later.
        Integer backfillLimit = options.containsKey("--backfill-days") ? parseNonNegative(options.get("--backfill-days"), "--backfill-days") : null;
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LauncherConfig launcher = LauncherConfig.load(launcherOverrides(options));
        CassandraConfig cassandra = cassandraOf(launcher);
        TopicCatalogue topics = TopicCatalogue.forNamespace(launcher.services(false).topicNamespace());
        AggregatorConfig aggregator = AggregatorConfig.load(Map.of("kafka.bootstrap-servers", launcher.host() + ":" + launcher.kafkaPort()));
        try (CqlSession session = CassandraSessions.openOrFail(cassandra, "tally-recompute-command");
             Producer<RollupKey, Rollup> producer = RollupRecompute.openProducer(aggregator.kafkaBootstrapServers(), topics)) {
            Map<String, Integer> siteStripes = new SiteTable(session, cassandra.keyspace(), cassandra.consistency()).rawStripes();
            RawEventTable table = new RawEventTable(session, cassandra.keyspace(), Stripes.perSite(cassandra.rawStripes(), siteStripes),
                    cassandra.consistency());
            RollupRecompute recompute = new RollupRecompute(table, producer, topics, aggregator.grace(), java.time.Clock.systemUTC());
            for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
                if (!recompute.isClosed(day)) {
                    OUT.printf("%s: not closed yet (the stream counts it until its end plus the %d min grace period); stopping here.%n",
                            day, aggregator.grace().toMinutes());
                    return 1;
                }
                int backfillDays = backfillLimit != null ? backfillLimit : (int) java.time.temporal.ChronoUnit.DAYS.between(day, today);
                RollupRecompute.DaySummary summary = recompute.recompute(site, day, backfillDays);
                OUT.printf("%s: %d stored row(s) read, %d bot event(s) left out, %d event(s) counted; published %s%n",
                        day, summary.rowsRead(), summary.botsSkipped(), summary.eventsCounted(),
                        summary.published().isEmpty() ? "nothing (no events)" : summary.published().entrySet().stream()
                                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(java.util.Locale.ROOT) + " rows")
                                .collect(java.util.stream.Collectors.joining(", ")));
            }
            OUT.println("The sink stores the recomputed rows within seconds; the dashboard shows them once it has.");
            return 0;
        } catch (AllNodesFailedException e) {
            OUT.println("Cassandra is not reachable at " + launcher.host() + ":" + launcher.cqlPort() + ". Is Tally running (./tally run)?");
            return 1;
        } catch (RuntimeException e) {
            OUT.println("Recompute stopped: " + causes(e));
            return 1;
        }
    }

    private static int parseNonNegative(String text, String option) {
        try {
            int value = Integer.parseInt(text);
            if (value < 0 || value > 400) {
                throw new UsageException(option + " must be between 0 and 400");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number");
        }
    }

    /** The messages of an exception and its causes, which usually say what to fix, without a stack trace. */
    static String causes(Throwable error) {
        StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append("\n  caused by: ").append(cause.getMessage());
            }
        }
        return text.toString();
    }

    /** Visitors control URLs and titles: never let them drive the operator's terminal. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static Map<String, String> launcherOverrides(Map<String, String> options) {
        Map<String, String> overrides = new HashMap<>();
        if (options.containsKey("--data-dir")) {
            overrides.put("launcher.data-dir", options.get("--data-dir"));
        }
        return overrides;
    }

    private static Map<String, String> options(List<String> args, List<String> allowed) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            String value = null;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            }
            if (!allowed.contains(name)) {
                throw new UsageException("Unknown option '" + name + "'; expected one of " + allowed);
            }
            if (value == null) {
                throw new UsageException("Option " + name + " needs a value");
            }
            options.put(name, value);
        }
        return options;
    }

    private static int parseInt(String text, String option) {
        try {
            int value = Integer.parseInt(text);
            if (value < 1 || value > 10_000) {
                throw new UsageException(option + " must be between 1 and 10000");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a number");
        }
    }

    /** A mistake in the command line: print the message, exit 2, no stack trace. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}

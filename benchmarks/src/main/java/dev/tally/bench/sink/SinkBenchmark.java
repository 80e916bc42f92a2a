package dev.tally.bench.sink;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import dev.tally.bench.report.DocSection;
import dev.tally.common.config.ConfigSource;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.CassandraNode;
import dev.tally.deploy.cluster.CassandraSettings;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.sink.SinkMetrics;
import dev.tally.sink.config.SinkConfig;
import dev.tally.sink.cassandra.RawEventWriter;
import dev.tally.sink.cassandra.RollupWriter;
import dev.tally.sink.cassandra.SiteSettings;
import dev.tally.sink.pipeline.Backoff;
import dev.tally.sink.pipeline.OffsetTracker;
import dev.tally.sink.pipeline.RecordHandler;
import dev.tally.sink.pipeline.SourcePosition;
import dev.tally.sink.pipeline.WritePipeline;
import dev.tally.sink.pipeline.WriteUnit;
import dev.tally.store.RawEventTable;
import dev.tally.store.RollupTables;
import dev.tally.store.SchemaMigrator;
import dev.tally.store.SiteTable;
import dev.tally.store.Stripes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cassandra sink's two write-path benchmarks, on a real local Cassandra node started here (no
 * broker: the sink's writers are fed directly, as its consumer loop feeds them).
 *
 * <p><b>Raw rows/s.</b> The same kind of enriched events written into {@code raw_events} by the sink's own
 * writer ({@link RawEventWriter} and {@link WritePipeline}, exactly as {@code SinkApp} wires them: polls
 * of {@code --poll} records grouped into single-partition unlogged batches) against single-row prepared
 * async inserts of the same rows (the same writer with batches of one row), both with at most
 * {@code --concurrency} requests in flight; the sink holds rows back until {@code --raw-flush-records}
 * are pending (its {@code sink.raw.flush-records}), the baseline writes each row as soon as it is polled. Rounds alternate, each with fresh event ids; medians are reported.
 *
 * <p><b>Rollup writes per 1,000 events.</b> The stream aggregator's own topology ({@link AggregatorOutput})
 * is fed {@code --rate} events per second of virtual time over {@code --sites} sites for {@code --rollup-seconds}
 * seconds, then a day without traffic so that every bucket closes and publishes its final record. What it
 * publishes goes, in polls of {@code --poll}, through the sink's {@link RollupWriter} (coalescing and
 * single-partition batching exactly as in the sink) flushing every interval of {@code --flush-intervals};
 * the requests and rows each would send are counted. Nothing is executed: how fast Cassandra takes such
 * writes is the end-to-end benchmark's subject, and at these counts a real-time run could not keep up.
 *
 * <p>Options: {@code --work-dir DIR --doc FILE --command TEXT --quiet-note TEXT --raw-events 100000
 * --raw-sites 100 --rounds 3 --concurrency 32 --poll 1000 --raw-flush-records 5000 --sites 1000 --rate 10000 --rollup-seconds 180
 * --flush-intervals 1,5,10,60}.
 */
public final class SinkBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(SinkBenchmark.class);
    static final String HEADING = "Cassandra sink: raw rows/s and rollup writes";
    static final String MARKER_ID = "sink-benchmark";
    private static final String KEYSPACE = "tally_bench_sink";
    /** The sink's own defaults, untouched by the environment: its flush interval and key buffer are what is counted. */
    static final SinkConfig SINK_DEFAULTS = SinkConfig.from(ConfigSource.load(SinkConfig.DEFAULTS, Map.of(), Map.of()));

    private SinkBenchmark() {
    }

    record Settings(Path workDir, Path doc, String command, String quietNote, int rawEvents, int rawSites, int rounds,
                    int concurrency, int poll, int rawFlushRecords, int sites, int rate, int rollupSeconds, List<Integer> flushIntervals) {

        static Settings parse(String[] args) {
            Map<String, String> options = new HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("Expected --option value pairs, got " + Arrays.toString(args));
                }
                options.put(args[i].substring(2), args[i + 1]);
            }
            List<String> known = List.of("work-dir", "doc", "command", "quiet-note", "raw-events", "raw-sites", "rounds", "concurrency",
                    "poll", "raw-flush-records", "sites", "rate", "rollup-seconds", "flush-intervals");
            for (String key : options.keySet()) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("Unknown option --" + key);
                }
            }
            return new Settings(Path.of(options.getOrDefault("work-dir", System.getProperty("java.io.tmpdir") + "/tally-sink-bench")),
                    options.containsKey("doc") ? Path.of(options.get("doc")) : null,
                    options.getOrDefault("command", "bench/sink.sh"),
                    options.getOrDefault("quiet-note", "not recorded"),
                    Integer.parseInt(options.getOrDefault("raw-events", "100000")),
                    Integer.parseInt(options.getOrDefault("raw-sites", "100")),
                    Integer.parseInt(options.getOrDefault("rounds", "3")),
                    Integer.parseInt(options.getOrDefault("concurrency", "32")),
                    Integer.parseInt(options.getOrDefault("poll", "1000")),
                    Integer.parseInt(options.getOrDefault("raw-flush-records", "5000")),
                    Integer.parseInt(options.getOrDefault("sites", "1000")),
                    Integer.parseInt(options.getOrDefault("rate", "10000")),
                    Integer.parseInt(options.getOrDefault("rollup-seconds", "180")),
                    Arrays.stream(options.getOrDefault("flush-intervals", "1,5,10,60").split(",")).map(String::trim).map(Integer::parseInt).toList());
        }
    }

    record RawRound(String variant, long rows, long requests, long retries, double seconds) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    /** The requests and rows a sink flushing every {@code flushSeconds} would send. */
    record RollupCount(int flushSeconds, long minuteWrites, long hourWrites, long dayWrites, long rows) {
        long writes() {
            return minuteWrites + hourWrites + dayWrites;
        }
    }

    /**
     * One run of the aggregator's output through the sink's writer: events and records, the counts per
     * flush interval, and at the sink's default interval the requests per tier and for the total dimension alone.
     */
    record RollupRun(long events, long records, Map<Granularity, Long> recordsByTier, List<RollupCount> counts,
                     Map<Granularity, Long> defaultRequestsByTier, long defaultTotalOnlyRequests, double seconds) {
        double perThousand(long count) {
            return count * 1000.0 / events;
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        Files.createDirectories(settings.workDir());
        SinkReport.Machine machine = SinkReport.Machine.read();
        String report;
        // Only Cassandra: the writers are fed directly, so a broker would only take CPU from the node.
        try (CassandraNode cassandra = CassandraNode.start(CassandraSettings.onFreePorts(settings.workDir().resolve("cluster")),
                LocalCluster.DEFAULT_READY_TIMEOUT)) {
            Runtime.getRuntime().addShutdownHook(new Thread(cassandra::close, "benchmark-cleanup"));
            try (CqlSession session = CqlSession.builder()
                    .addContactPoint(cassandra.cqlAddress())
                    .withLocalDatacenter(cassandra.localDatacenter())
                    .withConfigLoader(DriverConfigLoader.compose(DriverConfigLoader.programmaticBuilder()
                            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
                            .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                            .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                            .build(), DriverConfigLoader.fromClasspath("tally-driver")))
                    .build()) {
                new SchemaMigrator(session, KEYSPACE, "{'class': 'SimpleStrategy', 'replication_factor': 1}").migrate();
                List<RawRound> raw = runRaw(session, settings);
                RollupRun rollups = runRollups(session, settings);
                report = SinkReport.render(settings, machine, raw, rollups);
            }
        }
        System.out.println();
        System.out.println(report);
        if (settings.doc() != null) {
            DocSection.update(settings.doc(), HEADING, MARKER_ID, report);
            System.out.println("Updated " + settings.doc());
        }
    }

    // ---- raw rows/s ---------------------------------------------------------------------------------

    static List<RawRound> runRaw(CqlSession session, Settings settings) throws InterruptedException {
        RawEventTable table = new RawEventTable(session, KEYSPACE, new Stripes(8), DefaultConsistencyLevel.ONE);
        Topic<String, EnrichedEvent> topic = TopicCatalogue.forNamespace("bench").enrichedEvents();
        var decoder = topic.valueSerde().deserializer();
        Function<byte[], EnrichedEvent> decode = bytes -> decoder.deserialize(topic.name(), bytes);
        Random random = new Random(42);
        double[] siteCdf = zipfCdf(settings.rawSites(), 1.0);
        List<RawRound> rounds = new ArrayList<>();
        try (SiteSettings siteSettings = SiteSettings.start(new SiteTable(session, KEYSPACE, DefaultConsistencyLevel.ONE), 395, 8,
                Duration.ofHours(1))) {
            // Warm-up: JIT and Cassandra's caches, not counted.
            for (int batchRows : new int[] {1, 50}) {
                rawRound(table, siteSettings, decode, events(topic, settings.rawEvents() / 5, siteCdf, random), batchRows, settings);
            }
            for (int round = 0; round < settings.rounds(); round++) {
                for (int batchRows : new int[] {1, 50}) {
                    RawRound result = rawRound(table, siteSettings, decode, events(topic, settings.rawEvents(), siteCdf, random), batchRows, settings);
                    LOG.info("Raw round {} {}: {} rows/s ({} requests, {} retries)", round + 1, result.variant(),
                            Math.round(result.rowsPerSecond()), result.requests(), result.retries());
                    rounds.add(result);
                }
            }
        }
        return rounds;
    }

    private static List<byte[]> events(Topic<String, EnrichedEvent> topic, int count, double[] siteCdf, Random random) {
        var serializer = topic.valueSerde().serializer();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<byte[]> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int site = sample(siteCdf, random);
            String path = "/blog/post-" + random.nextInt(500);
            TrackedEvent event = TrackedEvent.newBuilder()
                    .setEventId(UUID.randomUUID().toString())
                    .setSiteId("site-" + site)
                    .setReceivedAt(now.plusMillis(i))
                    .setType(EventType.PAGEVIEW)
                    .setName("pageview")
                    .setUrl("https://www.example-" + site + ".com" + path + "?utm_source=newsletter")
                    .setReferrer(random.nextBoolean() ? "https://www.google.com/" : null)
                    .setTitle("A blog post about something, number " + path.substring(12))
                    .setLanguage("en-GB")
                    .setScreenWidth(1440)
                    .setUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
                    .setVisitorId(Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()))
                    .build();
            EnrichedEvent enriched = EnrichedEvent.newBuilder().setEvent(event).setPath(path).setUrlHost("www.example-" + site + ".com")
                    .setBrowser("Chrome").setBrowserVersion("131").setOs("Windows").setDeviceType("desktop")
                    .setReferrerHost(event.getReferrer() == null ? null : "google.com")
                    .setChannel(event.getReferrer() == null ? "direct" : "search").setUtmSource("newsletter").build();
            events.add(serializer.serialize(topic.name(), enriched));
        }
        return events;
    }

    private static RawRound rawRound(RawEventTable table, SiteSettings siteSettings, Function<byte[], EnrichedEvent> decode,
                                     List<byte[]> events, int batchRows, Settings settings) throws InterruptedException {
        SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry());
        // As SinkApp with the default settings; the baseline writes every row alone, as soon as it is polled.
        RawEventWriter writer = batchRows == 1
                ? new RawEventWriter(decode, table, siteSettings, Clock.systemUTC(), 1, 262_144, 1, Duration.ZERO, System::nanoTime, metrics)
                : new RawEventWriter(decode, table, siteSettings, Clock.systemUTC(), batchRows, 262_144, settings.rawFlushRecords(),
                        Duration.ofMillis(100), System::nanoTime, metrics);
        Counting counting = new Counting();
        OffsetTracker tracker = new OffsetTracker();
        WritePipeline pipeline = new WritePipeline("bench", settings.concurrency(), settings.concurrency(),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)), tracker, counting, System::nanoTime);
        long started = System.nanoTime();
        feed(writer, pipeline, tracker, events, settings.poll(), System::nanoTime);
        // What is still held back goes out once its linger passed.
        pipeline.submitAll(writer.ready(System.nanoTime() + Duration.ofHours(1).toNanos()));
        if (!pipeline.awaitIdle(Duration.ofMinutes(10))) {
            throw new IllegalStateException("raw writes did not finish in 10 minutes");
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new RawRound(batchRows == 1 ? "single-row inserts" : "sink batches", counting.rows.get(), counting.requests.get(),
                counting.retries.get(), seconds);
    }

    /** As the sink's consumer loop: a poll's records in, its writes out, no further poll while congested. */
    private static void feed(RecordHandler handler, WritePipeline pipeline, OffsetTracker tracker, List<byte[]> records, int poll,
                             java.util.function.LongSupplier now) throws InterruptedException {
        for (int from = 0; from < records.size(); from += poll) {
            for (int i = from; i < Math.min(records.size(), from + poll); i++) {
                SourcePosition position = new SourcePosition("bench", 0, i);
                tracker.received(position);
                try {
                    if (!handler.accept(null, records.get(i), position)) {
                        tracker.acknowledged(position);
                    }
                } catch (RecordHandler.RejectedRecordException e) {
                    throw new IllegalStateException("benchmark record rejected: " + e.getMessage());
                }
            }
            for (SourcePosition settled : handler.superseded()) {
                tracker.acknowledged(settled);
            }
            pipeline.submitAll(handler.ready(now.getAsLong()));
            pipeline.pump();
            while (pipeline.congested()) {
                pipeline.awaitProgress(Duration.ofMillis(100));
            }
        }
    }

    /** Counts acknowledged requests and rows, and failed attempts. */
    private static final class Counting implements WritePipeline.Listener {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong rows = new AtomicLong();
        final AtomicLong retries = new AtomicLong();
        final Map<String, Long> requestsByKind = new LinkedHashMap<>();

        @Override
        public void written(WriteUnit unit) {
            requests.incrementAndGet();
            rows.addAndGet(unit.rows());
            requestsByKind.merge(unit.kind(), 1L, Long::sum);
        }

        @Override
        public void retrying(WriteUnit unit, Throwable cause) {
            retries.incrementAndGet();
        }
    }

    // ---- rollup writes per 1,000 events ------------------------------------------------------------

    /** Counts what one {@link RollupWriter} would send: requests by table, and rows. */
    private static final class CountedWriter {
        final RollupWriter writer;
        final Map<String, Long> requestsByKind = new LinkedHashMap<>();
        long rows;

        CountedWriter(RollupWriter writer) {
            this.writer = writer;
        }

        void accept(SourcePosition position) {
            try {
                writer.accept(null, PLACEHOLDER, position);
            } catch (RecordHandler.RejectedRecordException e) {
                throw new IllegalStateException("the aggregator published a record the sink rejects: " + e.getMessage());
            }
        }

        void flush(long nowNanos) {
            writer.superseded(); // settled without a write; nothing to acknowledge here
            for (WriteUnit unit : writer.ready(nowNanos)) {
                requestsByKind.merge(unit.kind(), 1L, Long::sum);
                rows += unit.rows();
            }
        }

        long requests(String kind) {
            return requestsByKind.getOrDefault(kind, 0L);
        }

        long requests() {
            return requestsByKind.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Records are made once and handed to every writer: these bytes are a placeholder, not read (null would be a tombstone). */
    private static final byte[] PLACEHOLDER = new byte[0];

    static RollupRun runRollups(CqlSession session, Settings settings) throws Exception {
        RollupTables tables = new RollupTables(session, KEYSPACE, DefaultConsistencyLevel.ONE);
        // Thirty seconds into an hour, as a running aggregator would be at some moment.
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofDays(1)).plusSeconds(30);
        AtomicLong virtualNanos = new AtomicLong();
        Rollup[] current = new Rollup[1];
        Function<byte[], Rollup> handOver = bytes -> current[0];
        SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry());
        Function<Integer, CountedWriter> writerFlushingEvery = seconds -> new CountedWriter(new RollupWriter(handOver, Map.of(), tables,
                Duration.ofSeconds(seconds), SINK_DEFAULTS.rollupMaxBufferedKeys(), virtualNanos::get, metrics));

        int defaultFlushSeconds = (int) SINK_DEFAULTS.rollupFlushInterval().toSeconds();
        List<CountedWriter> all = new ArrayList<>();
        for (int interval : settings.flushIntervals()) {
            all.add(writerFlushingEvery.apply(interval));
        }
        // At the sink's default interval, split by tier (a batch never mixes tiers) and the total dimension alone.
        Map<Granularity, CountedWriter> byTier = new EnumMap<>(Granularity.class);
        for (Granularity granularity : Granularity.values()) {
            byTier.put(granularity, writerFlushingEvery.apply(defaultFlushSeconds));
        }
        CountedWriter totalOnly = writerFlushingEvery.apply(defaultFlushSeconds);

        long records = 0;
        long offset = 0;
        Map<Granularity, Long> recordsByTier = new EnumMap<>(Granularity.class);
        Path stateDir = Files.createTempDirectory(settings.workDir(), "aggregator-state");
        try (AggregatorOutput aggregator = new AggregatorOutput(settings.sites(), settings.rate(), start, 7, stateDir)) {
            long begun = System.nanoTime();
            int seconds = settings.rollupSeconds();
            // The traffic, then a day and the grace without any, a minute at a time, so that every bucket it
            // touched closes and publishes its final record.
            int idleSteps = (int) (Duration.ofDays(1).plus(Duration.ofMinutes(12)).toMinutes());
            for (int second = 0; second < seconds + idleSteps; second++) {
                boolean traffic = second < seconds;
                List<Rollup> published = traffic ? aggregator.nextSecond() : aggregator.idle(Duration.ofMinutes(1));
                virtualNanos.addAndGet(traffic ? 1_000_000_000L : 60_000_000_000L);
                for (int from = 0; from < published.size(); from += settings.poll()) {
                    for (int i = from; i < Math.min(published.size(), from + settings.poll()); i++) {
                        Rollup rollup = published.get(i);
                        current[0] = rollup;
                        SourcePosition position = new SourcePosition("bench", 0, offset++);
                        all.forEach(writer -> writer.accept(position));
                        byTier.get(rollup.getGranularity()).accept(position);
                        if (rollup.getDimension().equals("total")) {
                            totalOnly.accept(position);
                        }
                        recordsByTier.merge(rollup.getGranularity(), 1L, Long::sum);
                        records++;
                    }
                    all.forEach(writer -> writer.flush(virtualNanos.get()));
                    byTier.values().forEach(writer -> writer.flush(virtualNanos.get()));
                    totalOnly.flush(virtualNanos.get());
                }
                if (traffic && second % 60 == 59) {
                    LOG.info("Rollups: {} s of virtual time in {} s, {} events, {} records", second + 1,
                            (System.nanoTime() - begun) / 1_000_000_000L, aggregator.events(), records);
                }
            }
            // Whatever a writer still holds is written when its interval ends.
            virtualNanos.addAndGet(Duration.ofDays(1).toNanos());
            all.forEach(writer -> writer.flush(virtualNanos.get()));
            byTier.values().forEach(writer -> writer.flush(virtualNanos.get()));
            totalOnly.flush(virtualNanos.get());

            List<RollupCount> counts = new ArrayList<>();
            for (int w = 0; w < all.size(); w++) {
                CountedWriter writer = all.get(w);
                counts.add(new RollupCount(settings.flushIntervals().get(w), writer.requests(RollupTables.MINUTES_TABLE),
                        writer.requests(RollupTables.HOURS_TABLE), writer.requests(RollupTables.DAYS_TABLE), writer.rows));
                LOG.info("Rollups, flush {} s: {} requests, {} rows for {} events", settings.flushIntervals().get(w), writer.requests(),
                        writer.rows, aggregator.events());
            }
            Map<Granularity, Long> requestsByTier = new EnumMap<>(Granularity.class);
            byTier.forEach((granularity, writer) -> requestsByTier.put(granularity, writer.requests()));
            return new RollupRun(aggregator.events(), records, recordsByTier, counts, requestsByTier, totalOnly.requests(),
                    (System.nanoTime() - begun) / 1e9);
        }
    }

    static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    private static int sample(double[] cdf, Random random) {
        double u = random.nextDouble();
        for (int i = 0; i < cdf.length; i++) {
            if (u <= cdf[i]) {
                return i;
            }
        }
        return cdf.length - 1;
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}

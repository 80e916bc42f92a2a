package dev.tally.bench.query;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import dev.tally.bench.report.DocSection;
import dev.tally.deploy.cluster.LocalCluster;
import dev.tally.deploy.cluster.LocalClusterSettings;
import dev.tally.query.answer.Answers;
import dev.tally.query.answer.Dimension;
import dev.tally.query.answer.Filter;
import dev.tally.query.answer.Metric;
import dev.tally.query.answer.QueryService;
import dev.tally.query.answer.RollupRow;
import dev.tally.query.answer.Totals;
import dev.tally.query.cassandra.CassandraRollupStore;
import dev.tally.query.compose.Horizon;
import dev.tally.query.compose.Intervals;
import dev.tally.query.compose.Segment;
import dev.tally.query.compose.TierPlanner;
import dev.tally.store.RollupLayout;
import dev.tally.store.RollupLayout.Tier;
import dev.tally.store.SchemaMigrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Query latency and rows read for aggregate, timeseries and breakdown over 1, 30 and 90 days, answered by
 * tier composition (the query API's {@link QueryService}) and, in the same run on the same data, from the
 * minute tier alone. Both read through the query API's Cassandra adapter ({@link CassandraRollupStore}),
 * in this process, on the real local Cassandra node; the HTTP layer is left out of both.
 *
 * <p>Options: {@code --work-dir DIR} (required), {@code --total-days 365}, {@code --page-days 90},
 * {@code --pages 10000}, {@code --pages-per-minute 2}, {@code --iterations 20}, {@code --budget-seconds 20}
 * (per case; at least one timed run), {@code --doc docs/benchmarks.md}, {@code --command "..."},
 * {@code --quiet-note "..."}.
 */
public final class QueryBenchmark {
    private static final String SITE = "bench.example";
    private static final ZoneId ZONE = ZoneId.of("Asia/Kolkata");
    private static final int TOP = 10;

    private record Run(String query, int days, String method, List<Double> millis, long rowsRead, long requests, String answer) {
        double percentile(double p) {
            List<Double> sorted = new ArrayList<>(millis);
            sorted.sort(Comparator.naturalOrder());
            int index = (int) Math.ceil(p * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }

    private record Result(long rowsRead, long requests, String answer) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path workDir = Path.of(Objects.requireNonNull(options.get("work-dir"), "--work-dir is required"));
        int totalDays = Integer.parseInt(options.getOrDefault("total-days", "365"));
        int pageDays = Integer.parseInt(options.getOrDefault("page-days", "90"));
        int pages = Integer.parseInt(options.getOrDefault("pages", "10000"));
        int pagesPerMinute = Integer.parseInt(options.getOrDefault("pages-per-minute", "2"));
        int iterations = Integer.parseInt(options.getOrDefault("iterations", "20"));
        Duration budget = Duration.ofSeconds(Long.parseLong(options.getOrDefault("budget-seconds", "20")));

        Files.createDirectories(workDir);
        try (LocalCluster cluster = LocalCluster.start(LocalClusterSettings.onFreePorts(workDir.resolve("cluster")));
             CqlSession session = cluster.cassandra().sessionBuilder()
                     // The minute-tier baseline of a 90-day breakdown is 130,000 requests: give each time to queue.
                     .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                             .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(60))
                             .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10)).build())
                     .build()) {
            String keyspace = "bench_query";
            new SchemaMigrator(session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}").migrate();
            // Data ends at a UTC midnight; queries end 'now', 10:17 UTC the next day, in Kolkata's days.
            Instant dataEnd = LocalDate.of(2026, 11, 22).atStartOfDay(ZoneOffset.UTC).toInstant();
            MinuteDataLoader loader = new MinuteDataLoader(session, keyspace);
            long loadStart = System.nanoTime();
            loader.load(SITE, dataEnd, totalDays, pageDays, pages, pagesPerMinute);
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            System.out.printf("Loaded %,d rows in %.0f s (%,d write retries)%n", loader.written(), loadSeconds, loader.retries());

            CassandraRollupStore store = new CassandraRollupStore(session, keyspace, ConsistencyLevel.ONE, 64);
            QueryService composed = new QueryService(store, () -> Horizon.EVERYTHING_SETTLED); // the data ends a day before now
            Instant now = Instant.parse("2026-11-21T10:17:00Z");
            List<Run> runs = new ArrayList<>();
            for (int days : List.of(1, 30, 90)) {
                // "The last N days" as the dashboard asks: N site-local days ending with today.
                LocalDate today = LocalDate.ofInstant(now, ZONE);
                Instant from = today.minusDays(days - 1L).atStartOfDay(ZONE).toInstant();
                Instant to = today.plusDays(1).atStartOfDay(ZONE).toInstant();
                if (to.isAfter(dataEnd)) {
                    to = dataEnd;
                }
                Instant rangeTo = to;
                Intervals.Unit unit = Intervals.Unit.forRange(from, to);
                runs.add(measure("aggregate", days, "composed", iterations, budget, () -> {
                    Answers.Aggregate a = composed.aggregate(SITE, from, rangeTo, Filter.NONE);
                    return new Result(a.rowsRead(), -1, a.totals().pageviews() + " views, " + a.totals().visitors() + " visitors");
                }));
                runs.add(measure("aggregate", days, "minutes only", iterations, budget, () -> minuteAggregate(store, from, rangeTo)));
                runs.add(measure("timeseries", days, "composed", iterations, budget, () -> {
                    Answers.Timeseries t = composed.timeseries(SITE, from, rangeTo, unit, ZONE, Filter.NONE);
                    return new Result(t.rowsRead(), -1, seriesFingerprint(t.points().stream().map(Answers.Point::totals).toList()));
                }));
                runs.add(measure("timeseries", days, "minutes only", iterations, budget, () -> minuteTimeseries(store, from, rangeTo, unit)));
                runs.add(measure("breakdown", days, "composed", iterations, budget, () -> {
                    Answers.Breakdown b = composed.breakdown(SITE, from, rangeTo, Dimension.PAGE, Metric.PAGEVIEWS, 0, TOP);
                    return new Result(b.rowsRead(), breakdownRequests(TierPlanner.plan(from, rangeTo)), topFingerprint(b.entries()));
                }));
                runs.add(measure("breakdown", days, "minutes only", days >= 30 ? 1 : iterations, budget, () -> minuteBreakdown(store, from, rangeTo)));
            }
            String report = report(runs, options, cluster, loader.written(), loadSeconds, totalDays, pageDays, pages, pagesPerMinute);
            System.out.println(report);
            if (options.containsKey("doc")) {
                DocSection.update(Path.of(options.get("doc")), "Query API: tier composition vs the minute tier", "query-benchmark", report);
            }
        }
    }

    private static Run measure(String query, int days, String method, int iterations, Duration budget, Supplier<Result> body) {
        body.get();
        List<Double> millis = new ArrayList<>();
        Result last = null;
        long started = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            last = body.get();
            millis.add((System.nanoTime() - t0) / 1e6);
            if (System.nanoTime() - started > budget.toNanos()) {
                break;
            }
        }
        Run run = new Run(query, days, method, millis, last.rowsRead(), last.requests(), last.answer());
        System.out.printf("%-10s %2d d %-13s p50 %9.1f ms  p99 %9.1f ms  rows %,9d  n=%d  %s%n", query, days, method,
                run.percentile(0.5), run.percentile(0.99), run.rowsRead(), millis.size(), run.answer());
        return run;
    }

    private static Result minuteAggregate(CassandraRollupStore store, Instant from, Instant to) {
        Totals totals = new Totals();
        store.series(SITE, Dimension.TOTAL, "", new Segment(Tier.MINUTE, from, to)).join().forEach(totals::add);
        return new Result(totals.rows(), -1, totals.pageviews() + " views, " + totals.visitors() + " visitors");
    }

    private static Result minuteTimeseries(CassandraRollupStore store, Instant from, Instant to, Intervals.Unit unit) {
        TreeMap<Instant, Totals> byStart = new TreeMap<>();
        for (Intervals.Interval interval : Intervals.split(from, to, unit, ZONE)) {
            byStart.put(interval.start(), new Totals());
        }
        List<RollupRow> rows = store.series(SITE, Dimension.TOTAL, "", new Segment(Tier.MINUTE, from, to)).join();
        for (RollupRow row : rows) {
            byStart.floorEntry(row.bucketStart()).getValue().add(row);
        }
        return new Result(rows.size(), -1, seriesFingerprint(List.copyOf(byStart.values())));
    }

    private static Result minuteBreakdown(CassandraRollupStore store, Instant from, Instant to) {
        Segment minutes = new Segment(Tier.MINUTE, from, to);
        Map<String, Totals> byPage = new HashMap<>();
        long rows = 0;
        for (RollupRow row : store.breakdown(SITE, Dimension.PAGE, minutes).join()) {
            byPage.computeIfAbsent(row.dimensionValue(), page -> new Totals()).add(row);
            rows++;
        }
        List<Answers.Entry> entries = new ArrayList<>();
        byPage.forEach((page, totals) -> entries.add(new Answers.Entry(page, totals)));
        entries.sort(Comparator.comparingDouble((Answers.Entry e) -> e.totals().pageviews()).reversed().thenComparing(Answers.Entry::value));
        return new Result(rows, breakdownRequests(List.of(minutes)), topFingerprint(entries.subList(0, Math.min(TOP, entries.size()))));
    }

    /** Cassandra requests of a breakdown over these segments: one per ten-minute period of minutes, one per hour or day bucket. */
    private static long breakdownRequests(List<Segment> segments) {
        long requests = 0;
        for (Segment segment : segments) {
            requests += segment.tier() == Tier.MINUTE
                    ? RollupLayout.minutesByPeriod(segment.start(), segment.end()).size()
                    : segment.buckets();
        }
        return requests;
    }

    private static String seriesFingerprint(List<Totals> points) {
        long views = 0;
        long visitorSum = 0;
        for (Totals point : points) {
            views += point.pageviews();
            visitorSum += point.visitors();
        }
        return points.size() + " points, " + views + " views, " + visitorSum + " visitor-intervals";
    }

    private static String topFingerprint(List<Answers.Entry> entries) {
        StringBuilder text = new StringBuilder();
        for (Answers.Entry entry : entries) {
            text.append(entry.value()).append('=').append(entry.totals().pageviews()).append('/').append(entry.totals().visitors()).append(' ');
        }
        return Integer.toHexString(text.toString().hashCode()) + " (top " + entries.size() + ")";
    }

    private static String report(List<Run> runs, Map<String, String> options, LocalCluster cluster, long rows, double loadSeconds,
                                 int totalDays, int pageDays, int pages, int pagesPerMinute) {
        StringBuilder out = new StringBuilder();
        out.append("Run ").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .append(" with `").append(options.getOrDefault("command", "bench/query.sh")).append("` on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ").append(System.getProperty("java.version"))
                .append(", one local Cassandra node. Quiet machine: ").append(options.getOrDefault("quiet-note", "not checked")).append(".\n\n");
        out.append(String.format("Data: site totals for every minute of %d days (minute, hour and day rows), page breakdowns for the last %d days"
                + " from %,d pages (%d page rows a minute, plus hour and day rows): %,d rows loaded in %.0f s. Site time zone Asia/Kolkata"
                + " (UTC+05:30, the costliest edges: half-hour minute edges plus hours). Range = the last N site-local days up to 'now'.%n%n",
                totalDays, pageDays, pages, pagesPerMinute, rows, loadSeconds));
        out.append("| query | days | method | p50 ms | p99 ms | runs | rows read | requests | same answer |\n");
        out.append("|---|---:|---|---:|---:|---:|---:|---:|---|\n");
        Map<String, Run> composedByCase = new LinkedHashMap<>();
        for (Run run : runs) {
            String key = run.query() + run.days();
            if (run.method().equals("composed")) {
                composedByCase.put(key, run);
            }
            Run composed = composedByCase.get(key);
            String same = run.method().equals("composed") ? "" : (composed != null && composed.answer().equals(run.answer()) ? "yes" : "**no**");
            out.append(String.format("| %s | %d | %s | %.1f | %.1f | %d | %,d | %s | %s |%n", run.query(), run.days(), run.method(),
                    run.percentile(0.5), run.percentile(0.99), run.millis().size(), run.rowsRead(),
                    run.requests() < 0 ? "" : String.format("%,d", run.requests()), same));
        }
        out.append("\nMedian speed-up of composition over the minute tier (minute p50 / composed p50):\n\n");
        for (Run run : runs) {
            if (run.method().equals("minutes only")) {
                Run composed = composedByCase.get(run.query() + run.days());
                out.append(String.format("- %s, %d days: %.1fx faster, %.0fx fewer rows%n", run.query(), run.days(),
                        run.percentile(0.5) / composed.percentile(0.5), (double) run.rowsRead() / Math.max(1, composed.rowsRead())));
            }
        }
        out.append("\np99 over fewer than 100 runs is the slowest run. 'requests' is Cassandra requests for breakdowns: one per hour or day bucket (the dimension's 16 of its 64 shards in one IN), one per ten-minute period of minutes (all 16 shards and its minutes in one IN).\n");
        return out.toString();
    }
}

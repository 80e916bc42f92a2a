package dev.tally.bench.sink;

import dev.tally.bench.sink.SinkBenchmark.RawRound;
import dev.tally.bench.sink.SinkBenchmark.RollupCount;
import dev.tally.bench.sink.SinkBenchmark.RollupRun;
import dev.tally.bench.sink.SinkBenchmark.Settings;
import dev.tally.schemas.avro.Granularity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown block the sink benchmark writes into docs/benchmarks.md. */
final class SinkReport {
    private SinkReport() {
    }

    /** Machine facts and what else runs, read at the start of the benchmark. */
    record Machine(int cores, String cpu, String memory, String jdk, String loadAtStart, String busiestAtStart, Instant started) {
        static Machine read() {
            return new Machine(Runtime.getRuntime().availableProcessors(), field("/proc/cpuinfo", "model name"),
                    totalMemory(), System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    firstLine("/proc/loadavg"), busiestProcesses(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
    }

    static String render(Settings settings, Machine machine, List<RawRound> raw, RollupRun rollups) {
        StringBuilder out = new StringBuilder();
        out.append("Run ").append(machine.started()).append(" with `").append(settings.command()).append("`.\n\n");
        out.append("- Machine: ").append(machine.cores()).append(" cores (").append(machine.cpu()).append("), ")
                .append(machine.memory()).append(" memory, ").append(machine.jdk()).append(".\n");
        out.append("- Quiet machine: ").append(settings.quietNote()).append(".\n");
        out.append("- Load average at the start: ").append(machine.loadAtStart()).append("; at the end: ").append(firstLine("/proc/loadavg"))
                .append(".\n");
        out.append("- Busiest processes at the start (%CPU, command): ").append(machine.busiestAtStart()).append(".\n");
        out.append("- At the end: ").append(busiestProcesses()).append(".\n\n");

        out.append("#### Raw rows/s into `raw_events`\n\n");
        out.append(String.format(Locale.ROOT, "%,d events per round over %d sites (Zipf, s = 1), polls of %d, at most %d requests in flight; "
                + "the sink holds rows until %,d are pending (`sink.raw.flush-records`); "
                + "%d round(s) of each, alternating, after one warm-up round of each.%n%n", settings.rawEvents(), settings.rawSites(),
                settings.poll(), settings.concurrency(), settings.rawFlushRecords(), settings.rounds()));
        out.append("| round | single-row inserts (rows/s) | sink batches (rows/s) | ratio | batches: requests | rows per request | retries |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Double> singles = new ArrayList<>();
        List<Double> batches = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i + 1 < raw.size(); i += 2) {
            RawRound single = raw.get(i);
            RawRound batched = raw.get(i + 1);
            double ratio = batched.rowsPerSecond() / single.rowsPerSecond();
            singles.add(single.rowsPerSecond());
            batches.add(batched.rowsPerSecond());
            ratios.add(ratio);
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %.2f | %,d | %.1f | %d + %d |%n", i / 2 + 1,
                    SinkBenchmark.format(single.rowsPerSecond()), SinkBenchmark.format(batched.rowsPerSecond()), ratio,
                    batched.requests(), (double) batched.rows() / batched.requests(), single.retries(), batched.retries()));
        }
        out.append(String.format(Locale.ROOT, "| **median** | **%s** | **%s** | **%.2f** | | | |%n%n", SinkBenchmark.format(median(singles)),
                SinkBenchmark.format(median(batches)), median(ratios)));
        out.append(String.format(Locale.ROOT, "Target: sink batches at least 1.5 times single-row inserts. **Measured: %.2f times (median of %d rounds).**%n%n",
                median(ratios), ratios.size()));

        out.append("#### Rollup writes per 1,000 events\n\n");
        out.append(String.format(Locale.ROOT, "The aggregator's own topology was fed %,d events (%,d events/s over %,d sites for %d s of virtual "
                + "time, in %.0f s), then a day without traffic so that every bucket closed; it published %,d rollup records (%s). "
                + "They went through the sink's `RollupWriter` in polls of %,d. A write is one Cassandra request: one statement or one "
                + "single-partition unlogged batch.%n%n",
                rollups.events(), settings.rate(), settings.sites(), settings.rollupSeconds(), rollups.seconds(), rollups.records(),
                byTier(rollups.recordsByTier(), rollups), settings.poll()));
        out.append("| flush interval (`sink.rollups.flush-interval`) | rollup_minutes writes | rollup_hours writes | rollup_days writes "
                + "| **writes per 1,000 events** | rows per 1,000 events |\n");
        out.append("|---:|---:|---:|---:|---:|---:|\n");
        for (RollupCount count : rollups.counts()) {
            out.append(String.format(Locale.ROOT, "| %d s | %,d | %,d | %,d | **%.1f** | %.0f |%n", count.flushSeconds(), count.minuteWrites(),
                    count.hourWrites(), count.dayWrites(), rollups.perThousand(count.writes()), rollups.perThousand(count.rows())));
        }
        out.append(String.format(Locale.ROOT, "%nAt the sink's default %d s: writes per 1,000 events by tier %s; the `total` dimension "
                + "alone (the one aggregate the article's read-modify-write keeps, at 4,000 writes and 3,000 reads per 1,000 events): %.1f. "
                + "Hours and days carry only %d s of traffic here, yet each of their buckets costs its rows once, so their share is "
                + "overstated against a whole hour or day.%n", SinkBenchmark.SINK_DEFAULTS.rollupFlushInterval().toSeconds(),
                byTier(rollups.defaultRequestsByTier(), rollups), rollups.perThousand(rollups.defaultTotalOnlyRequests()),
                settings.rollupSeconds()));
        int defaultSeconds = (int) SinkBenchmark.SINK_DEFAULTS.rollupFlushInterval().toSeconds();
        List<String> meeting = new ArrayList<>();
        double atDefault = Double.NaN;
        for (RollupCount count : rollups.counts()) {
            double perThousand = rollups.perThousand(count.writes());
            if (perThousand <= 10) {
                meeting.add(count.flushSeconds() + " s");
            }
            if (count.flushSeconds() == defaultSeconds) {
                atDefault = perThousand;
            }
        }
        out.append(String.format(Locale.ROOT, "%nTarget: at most 10 writes per 1,000 events. **Measured: %.1f at the sink's default %d s "
                + "(%s); met at %s.**%n", atDefault, defaultSeconds, atDefault <= 10 ? "met" : "not met",
                meeting.isEmpty() ? "no interval tried" : String.join(", ", meeting)));
        return out.toString();
    }

    private static String byTier(Map<Granularity, Long> counts, SinkBenchmark.RollupRun run) {
        List<String> parts = new ArrayList<>();
        counts.forEach((granularity, count) -> parts.add(String.format(Locale.ROOT, "%s %,.1f", granularity.name().toLowerCase(Locale.ROOT),
                run.perThousand(count))));
        return String.join(", ", parts) + " per 1,000 events";
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String totalMemory() {
        String total = field("/proc/meminfo", "MemTotal").replaceAll("\\D", "");
        return total.isEmpty() ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(total) / 1024.0 / 1024.0);
    }

    private static String field(String file, String name) {
        try {
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                if (line.startsWith(name)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static String firstLine(String file) {
        try {
            List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The five processes using the most CPU, from {@code ps}. */
    static String busiestProcesses() {
        try {
            Process ps = new ProcessBuilder("ps", "-eo", "pcpu,args", "--sort=-pcpu", "--no-headers").redirectErrorStream(true).start();
            List<String> lines = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.trim().matches("[0-9.]+ ps .*")).limit(5).toList();
            ps.waitFor();
            List<String> shown = new ArrayList<>();
            for (String line : lines) {
                String[] parts = line.trim().split("\\s+", 2);
                String command = parts.length > 1 ? describe(parts[1]) : "?";
                shown.add(parts[0] + "% " + command);
            }
            return String.join("; ", shown);
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * A command line shortened to what identifies it: the main class or program, and for Maven its goals.
     * The main class is the first word after the JVM's options (and the class path that follows
     * {@code -cp}); the program's own arguments may contain anything, even the word "surefire".
     */
    static String describe(String args) {
        String[] words = args.split("\\s+");
        String program = Path.of(words[0]).getFileName().toString();
        if (!program.equals("java")) {
            return program;
        }
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            if (word.equals("-cp") || word.equals("-classpath") || word.equals("--class-path")) {
                i++;
            } else if (word.equals("-jar") && i + 1 < words.length) {
                String jar = Path.of(words[i + 1]).getFileName().toString();
                return "java " + (jar.contains("surefire") || jar.contains("failsafe") ? "(maven test fork)" : jar);
            } else if (!word.startsWith("-")) {
                return "java " + (word.equals("org.codehaus.plexus.classworlds.launcher.Launcher") ? "(maven)" : word);
            }
        }
        return "java";
    }
}

package dev.tally.bench.sink;

import dev.tally.bench.sink.SinkBenchmark.RawRound;
import dev.tally.bench.sink.SinkBenchmark.RollupCount;
import dev.tally.bench.sink.SinkBenchmark.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

    static String render(Settings settings, Machine machine, List<RawRound> raw, List<RollupCount> rollups) {
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
        RollupCount first = rollups.get(0);
        out.append(String.format(Locale.ROOT, "%,d events simulated (%d events/s over %d sites for %d s of virtual time), %,d rollup records emitted "
                + "(%.1f per event). A write is one Cassandra request: one statement or one single-partition batch.%n%n",
                first.events(), settings.rate(), settings.sites(), settings.rollupSeconds(), first.records(), (double) first.records() / first.events()));
        out.append("| flush interval | written to Cassandra | rollup_series writes | rollup_breakdown writes | **writes per 1,000 events** | rows per 1,000 events | retries |\n");
        out.append("|---:|:---|---:|---:|---:|---:|---:|\n");
        RollupCount executed = null;
        for (RollupCount count : rollups) {
            long writes = count.seriesWrites() + count.breakdownWrites();
            out.append(String.format(Locale.ROOT, "| %d s | %s | %,d | %,d | **%.1f** | %.1f | %d |%n", count.flushSeconds(),
                    count.executed() ? "yes (acknowledged requests)" : "no (counted as produced)", count.seriesWrites(), count.breakdownWrites(),
                    count.perThousand(writes), count.perThousand(count.rows()), count.retries()));
            if (count.executed()) {
                executed = count;
            }
        }
        if (executed != null) {
            out.append(String.format(Locale.ROOT, "%nOnly the `total` dimension (the one aggregate of the article's read-modify-write, which costs "
                    + "4,000 writes and 3,000 reads per 1,000 events), flush %d s: **%.1f writes per 1,000 events**.%n",
                    executed.flushSeconds(), executed.perThousand(executed.totalOnlyWrites())));
        }
        return out.toString();
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

    /** A command line shortened to what identifies it: the main class or program, and for Maven its goals. */
    private static String describe(String args) {
        String[] words = args.split("\\s+");
        String program = Path.of(words[0]).getFileName().toString();
        if (!program.equals("java")) {
            return program;
        }
        for (int i = words.length - 1; i > 0; i--) {
            String word = words[i];
            if (word.matches("[a-z]+(\\.[a-zA-Z0-9_$]+)+") && !words[i - 1].startsWith("-")) {
                return "java " + word;
            }
            if (word.contains("surefire") || word.contains("failsafe")) {
                return "java (maven test fork)";
            }
        }
        return "java " + (args.contains("plexus-classworlds") ? "(maven)" : "");
    }
}

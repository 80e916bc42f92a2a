package dev.tally.bench.report;

import dev.tally.bench.GatewayBenchmark;
import dev.tally.bench.load.OpenLoopLoad;
import dev.tally.bench.proc.CpuUsage;
import dev.tally.gateway.kafka.KafkaEventPublisher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** The Markdown block that {@code bench/gateway.sh} keeps in {@code docs/benchmarks.md}. */
public final class GatewayReport {
    public static final String HEADING = "Ingest gateway: pixel throughput";
    public static final String MARKER_ID = "bench/gateway.sh";
    /** The target: the gateway reaches at least this share of the bare server's rate. */
    public static final double TARGET_RATIO = 0.60;
    private static final String GATEWAY = "gateway";
    private static final String BARE = "bare";

    private GatewayReport() {}

    /** The machine, read at the start of the run. */
    public record Machine(int cores, double memoryGiB, String cpuModel, String jdk, String kernel, String wrk,
                          String loadAverage, String quietNote, Instant started) {

        public static Machine read(GatewayBenchmark.Settings settings) {
            return new Machine(Runtime.getRuntime().availableProcessors(), readMemoryGiB(), readCpuModel(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    firstLine(Path.of("/proc/sys/kernel/osrelease")), wrkVersion(),
                    firstLine(Path.of("/proc/loadavg")), settings.quietNote(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }

        private static double readMemoryGiB() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal:")) {
                        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }

        private static String readCpuModel() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException e) {
                return "unknown";
            }
            return "unknown";
        }

        private static String wrkVersion() {
            try {
                Process process = new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
                String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                process.waitFor();
                return text.lines().findFirst().orElse("wrk").replaceFirst(" Copyright.*", "").trim();
            } catch (IOException e) {
                return "wrk not found";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "wrk";
            }
        }

        private static String firstLine(Path file) {
            try {
                return Files.readAllLines(file).get(0).trim();
            } catch (IOException | RuntimeException e) {
                return "unknown";
            }
        }
    }

    public static String render(GatewayBenchmark.Settings settings, Machine machine, List<String> wrkCommand,
                                List<GatewayBenchmark.ThroughputRun> throughput, double rate,
                                List<GatewayBenchmark.LatencyRun> latency, GatewayBenchmark.GatewayHealth health,
                                String sweep) {
        StringBuilder md = new StringBuilder();
        double bareMax = medianOf(throughput, BARE, r -> r.wrk().requestsPerSecond());
        double gatewayMax = medianOf(throughput, GATEWAY, r -> r.wrk().requestsPerSecond());
        double ratio = gatewayMax / bareMax;
        boolean clean = throughput.stream().allMatch(r -> r.wrk().clean())
                && latency.stream().allMatch(r -> r.result().non200() == 0 && r.result().errors() == 0);

        line(md, "Last run: %s, %d rounds, `%s`.", machine.started(), settings.rounds(), settings.command());
        md.append('\n');
        List<GatewayBenchmark.LatencyRun> gatewayLatency = latency.stream().filter(r -> r.server().equals(GATEWAY)).toList();
        List<GatewayBenchmark.LatencyRun> bareLatency = latency.stream().filter(r -> r.server().equals(BARE)).toList();
        line(md, "| summary (medians of %d rounds) | bare Undertow | gateway | gateway / bare |", settings.rounds());
        line(md, "|---|---:|---:|---:|");
        line(md, "| max req/s, wrk -t%d -c%d | %s | %s | **%.0f%%** (target ≥ %.0f%%: %s) |", settings.threads(), settings.connections(),
                thousands(bareMax), thousands(gatewayMax), ratio * 100, TARGET_RATIO * 100, ratio >= TARGET_RATIO ? "met" : "not met");
        line(md, "| p50 / p99 at %s req/s (half the gateway's max), open loop | %s / %s | %s / %s | |", thousands(rate),
                ms(median(bareLatency, r -> r.result().percentileMicros(50))), ms(median(bareLatency, r -> r.result().percentileMicros(99))),
                ms(median(gatewayLatency, r -> r.result().percentileMicros(50))), ms(median(gatewayLatency, r -> r.result().percentileMicros(99))));
        line(md, "| JVM with -Xmx%s: peak RSS, full GCs | %.0f MiB, %d | %.0f MiB, %d | |", settings.heap(), health.barePeakRssMiB(),
                health.bareGc().fullGcs(), health.peakRssMiB(), health.gc().fullGcs());
        md.append('\n');
        line(md, "- Machine: %d cores (nproc), %.1f GiB memory, %s; %s; Linux %s; %s.", machine.cores(), machine.memoryGiB(),
                machine.cpuModel(), machine.jdk(), machine.kernel(), machine.wrk());
        line(md, "- Quiet before the run: %s. Load average at the start: %s.", machine.quietNote(), machine.loadAverage());
        line(md, "- Beside the server under test, on the same cores, nothing pinned: the Kafka broker and the Cassandra node"
                + " (child JVMs of the benchmark, -Xmx1g each), the load tool, the idle other server, and the benchmark JVM."
                + " CPU per process is measured from /proc during each run (cores: 1.0 = one core busy).");
        line(md, "- Both servers: child JVMs with `-Xmx%s`, Undertow's default threads, loopback only; the gateway is"
                + " `GatewayApp` with its defaults (acks=all, idempotent, linger %d ms, lz4)%s on topic `%s.events.raw`"
                + " (6 partitions), site `bench` (cookieless) registered in Cassandra.", settings.heap(),
                KafkaEventPublisher.DEFAULT_LINGER_MS,
                settings.gatewayConfig().isEmpty() ? "" : " but for " + settings.gatewayConfig().entrySet().stream()
                        .map(e -> "`" + e.getKey() + "=" + e.getValue() + "`").collect(java.util.stream.Collectors.joining(", ")),
                "bench");
        line(md, "- Request mix: 64 pixel requests (8 pages, 4 referrers, 61 user agents, so the visitor ids and Kafka"
                + " keys spread over the partitions), the same for both servers and both load tools.");
        md.append('\n');

        line(md, "#### Maximum rate (wrk, closed loop)");
        md.append('\n');
        line(md, "`%s` per server and round (`pixel-mix.lua`: the request mix, generated into the work directory), each"
                        + " after a %d s warm-up run (and a first warm-up of %d s per server before round 1); servers alternate"
                        + " going first.",
                String.join(" ", wrkCommand), settings.warmup().toSeconds(), settings.firstWarmup().toSeconds());
        md.append('\n');
        line(md, "| server | req/s, median | runs | non-2xx / socket errors | CPU: server | Kafka | Cassandra | wrk | others | machine |");
        line(md, "|---|---:|---|---|---:|---:|---:|---:|---:|---:|");
        for (String server : List.of(BARE, GATEWAY)) {
            List<GatewayBenchmark.ThroughputRun> runs = throughput.stream().filter(r -> r.server().equals(server)).toList();
            line(md, "| %s | %s | %s | %d / %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |", label(server),
                    thousands(medianOf(throughput, server, r -> r.wrk().requestsPerSecond())),
                    runs.stream().map(r -> thousands(r.wrk().requestsPerSecond())).collect(Collectors.joining(" / ")),
                    runs.stream().mapToLong(r -> r.wrk().non2xx()).sum(), runs.stream().mapToLong(r -> r.wrk().socketErrors()).sum(),
                    medianCores(runs, server), medianCores(runs, "kafka"), medianCores(runs, "cassandra"),
                    medianCores(runs, CpuUsage.WAITED_CHILDREN), medianCores(runs, CpuUsage.OTHERS), medianCores(runs, CpuUsage.MACHINE));
        }
        md.append('\n');
        line(md, "**Gateway / bare server: %.0f%%** (target at least %.0f%%: %s).", ratio * 100, TARGET_RATIO * 100,
                ratio >= TARGET_RATIO ? "met" : "**not met**");
        if (!clean) {
            line(md, "\n**Some requests failed or were not answered 200: see the error columns.**");
        }
        md.append('\n');

        line(md, "#### Latency at half of the gateway's maximum (open loop, %s req/s)", thousands(rate));
        md.append('\n');
        line(md, "Constant rate from `dev.tally.bench.load.OpenLoopLoad` (in the benchmark JVM: Debian 12 packages neither"
                + " wrk2 nor vegeta), %d keep-alive connections, %d s warm-up + %d s measured; latency from each request's"
                + " scheduled send time to the end of its response, so a stall is charged to every request it delays."
                + " Like wrk2, the generator sleeps with millisecond resolution, so requests leave up to about 1 ms late;"
                + " that delay is included in the latency and shown on its own. Medians of %d rounds.",
                settings.latencyConnections(), settings.warmup().toSeconds(), settings.latencyDuration().toSeconds(), settings.rounds());
        md.append('\n');
        line(md, "| server | p50 | p99 | p99.9 | max | achieved req/s | non-200 / errors | send delay p50 / p99 | CPU: server | Kafka | generator | others | machine |");
        line(md, "|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|");
        for (String server : List.of(GATEWAY, BARE)) {
            List<GatewayBenchmark.LatencyRun> runs = latency.stream().filter(r -> r.server().equals(server)).toList();
            line(md, "| %s | %s | %s | %s | %s | %s | %d / %d | %s / %s | %.2f | %.2f | %.2f | %.2f | %.2f |", label(server),
                    ms(median(runs, r -> r.result().percentileMicros(50))), ms(median(runs, r -> r.result().percentileMicros(99))),
                    ms(median(runs, r -> r.result().percentileMicros(99.9))),
                    ms(median(runs, r -> r.result().latencyMicros().getMaxValue())),
                    thousands(median(runs, r -> r.result().achievedRate())),
                    runs.stream().mapToLong(r -> r.result().non200()).sum(), runs.stream().mapToLong(r -> r.result().errors()).sum(),
                    ms(median(runs, r -> r.result().sendDelayMicros().getValueAtPercentile(50))),
                    ms(median(runs, r -> r.result().sendDelayMicros().getValueAtPercentile(99))),
                    median(runs, r -> r.cores().get(server)), median(runs, r -> r.cores().get("kafka")),
                    median(runs, r -> r.cores().get(CpuUsage.THIS_JVM)), median(runs, r -> r.cores().get(CpuUsage.OTHERS)),
                    median(runs, r -> r.cores().get(CpuUsage.MACHINE)));
        }
        for (String server : List.of(GATEWAY, BARE)) {
            line(md, "\nPer round, %s p50 / p99 (other processes' CPU): %s.", server, latency.stream().filter(r -> r.server().equals(server))
                    .map(r -> String.format(Locale.ROOT, "%s / %s (%.2f)", ms(r.result().percentileMicros(50)), ms(r.result().percentileMicros(99)),
                            r.cores().get(CpuUsage.OTHERS)))
                    .collect(Collectors.joining("; ")));
        }
        md.append('\n');

        if (!sweep.isEmpty()) {
            line(md, "#### Maximum rate against wrk's connections");
            md.append('\n');
            line(md, "One %d s wrk run per server and connection count (after a %d s warm-up run), same threads and request mix"
                    + " as above. The gateway answers only after Kafka acknowledged the event (linger %d ms, acks=all), so with"
                    + " few connections a closed loop measures its latency rather than its capacity.",
                    settings.duration().toSeconds(), settings.warmup().toSeconds(), KafkaEventPublisher.DEFAULT_LINGER_MS);
            md.append('\n');
            md.append(sweep);
            md.append('\n');
        }
        line(md, "#### Gateway JVM with -Xmx%s", settings.heap());
        md.append('\n');
        line(md, "- Resident memory at the end: %.0f MiB, peak %.0f MiB (bare server: %.0f MiB, peak %.0f MiB).",
                health.rssMiB(), health.peakRssMiB(), health.bareRssMiB(), health.barePeakRssMiB());
        line(md, "- GC (G1, from `-Xlog:gc`): %s. Bare server: %s.", health.gc().summary(), health.bareGc().summary());
        line(md, "- %s; %s.", health.alive() ? "Alive at the end" : "**Dead at the end**",
                health.outOfMemory() ? "**OutOfMemoryError in its output**" : "no OutOfMemoryError");
        line(md, "- Events: the gateway counted %s pixel events acknowledged by Kafka; the topic holds %s records"
                        + " (both include warm-ups; requests still in flight when wrk stops are not answered but may be stored).",
                thousands(health.acceptedEvents()), thousands(health.eventsInTopic()));
        line(md, "- Busiest gateway threads during its wrk runs (cores, pools summed): %s.",
                health.busiestThreads().entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "`%s` %.2f", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", ")));
        return md.toString();
    }

    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static String formatCores(Map<String, Double> cores) {
        return cores.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static double medianOf(List<GatewayBenchmark.ThroughputRun> runs, String server,
                                   ToDoubleFunction<GatewayBenchmark.ThroughputRun> value) {
        return median(runs.stream().filter(r -> r.server().equals(server)).mapToDouble(value).toArray());
    }

    private static double medianCores(List<GatewayBenchmark.ThroughputRun> runs, String process) {
        return median(runs.stream().mapToDouble(r -> r.cores().getOrDefault(process, 0.0)).toArray());
    }

    private static <T> double median(List<T> runs, ToDoubleFunction<T> value) {
        return median(runs.stream().mapToDouble(value).toArray());
    }

    private static String label(String server) {
        return server.equals(GATEWAY) ? "gateway, Kafka acks=all" : "bare Undertow, same GIF, no Kafka";
    }

    private static String thousands(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ms(double micros) {
        return micros >= 100_000 ? String.format(Locale.ROOT, "%.0f ms", micros / 1000)
                : String.format(Locale.ROOT, "%.2f ms", micros / 1000);
    }

    private static void line(StringBuilder md, String format, Object... args) {
        md.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}

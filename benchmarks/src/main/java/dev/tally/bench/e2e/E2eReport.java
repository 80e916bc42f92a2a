package dev.tally.bench.e2e;

import dev.tally.bench.proc.CpuUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The Markdown block that {@code bench/e2e.sh} keeps in {@code docs/benchmarks.md}. */
final class E2eReport {
    static final String HEADING = "End to end";
    static final String MARKER_ID = "bench/e2e.sh";
    private static final List<String> PROCESSES = List.of(EndToEndBenchmark.GATEWAY, EndToEndBenchmark.AGGREGATOR, EndToEndBenchmark.SINK,
            EndToEndBenchmark.QUERY, EndToEndBenchmark.KAFKA, EndToEndBenchmark.CASSANDRA, CpuUsage.THIS_JVM);

    private E2eReport() {}

    /** The machine, read at the start of the run. */
    record Machine(int cores, double memoryGiB, String cpuModel, String jdk, String kernel, String loadAverage, String quietNote,
                   Instant started) {

        static Machine read(String quietNote) {
            return new Machine(Runtime.getRuntime().availableProcessors(), readMemoryGiB(), readCpuModel(),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                    firstLine(Path.of("/proc/sys/kernel/osrelease")), firstLine(Path.of("/proc/loadavg")), quietNote,
                    Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }

        private static double readMemoryGiB() {
            return lineStarting(Path.of("/proc/meminfo"), "MemTotal:").map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0)
                    .orElse(-1.0);
        }

        private static String readCpuModel() {
            return lineStarting(Path.of("/proc/cpuinfo"), "model name").map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .orElse("unknown");
        }

        private static Optional<String> lineStarting(Path file, String prefix) {
            try {
                return Files.readAllLines(file).stream().filter(line -> line.startsWith(prefix)).findFirst();
            } catch (IOException e) {
                return Optional.empty();
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

    /**
     * Everything a run measured.
     *
     * @param whole        stage rates over the whole run (warm-up, every step and the drain): for writes per event
     * @param trafficTime  from the first generated event to the generator's stop
     * @param drainSeconds how long the consumer groups took to catch up after the traffic stopped
     * @param peakRssMiB   peak resident memory per process over the run
     * @param deadServices services that exited (none, in a good run)
     */
    record Run(E2eSettings settings, Machine machine, List<StepResult> steps, double highestSustained, double firstUnsustained,
               StageCounters.Rates whole, Duration trafficTime, double drainSeconds, TruthCheck.Result truth, String trafficSummary,
               long probes, long probesFailed, Map<String, Double> peakRssMiB, List<String> deadServices) {}

    static String render(Run run) {
        E2eSettings settings = run.settings();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Last run: %s, `%s`.%n%n", run.machine().started(), settings.command()));

        Optional<StepResult> freshnessStep = run.steps().stream().filter(s -> s.targetRate() == settings.freshnessRate()).findFirst();
        boolean rateMet = !Double.isNaN(run.highestSustained()) && run.highestSustained() >= settings.targetRate();
        out.append("| target (issue 7) | measured | |\n|---|---|---|\n");
        out.append(String.format(Locale.ROOT, "| sustained end to end ≥ %,.0f events/s | %s | **%s** |%n", settings.targetRate(),
                Double.isNaN(run.highestSustained()) ? "no step sustained" : String.format(Locale.ROOT, "%,.0f events/s", run.highestSustained())
                        + (Double.isNaN(run.firstUnsustained()) ? " (every step of the ramp; the ramp ended there)"
                        : String.format(Locale.ROOT, " (%,.0f not sustained)", run.firstUnsustained())),
                rateMet ? "met" : "not met"));
        if (freshnessStep.isPresent()) {
            Freshness freshness = freshnessStep.get().freshness();
            Freshness.Quantile p99 = freshness.percentile(99);
            boolean freshMet = !Double.isNaN(p99.millis()) && !p99.aboveTimeout() && p99.millis() <= settings.targetFreshnessP99Millis()
                    && freshnessStep.get().sustained();
            out.append(String.format(Locale.ROOT, "| freshness p99 ≤ %.0f s at %,.0f events/s | p50 %s, p99 %s (%d probes)%s | **%s** |%n",
                    settings.targetFreshnessP99Millis() / 1000.0, settings.freshnessRate(), freshness.percentile(50).format(), p99.format(),
                    freshness.count(), freshnessStep.get().sustained() ? "" : "; the step was not sustained", freshMet ? "met" : "not met"));
        } else {
            out.append(String.format(Locale.ROOT, "| freshness p99 ≤ %.0f s at %,.0f events/s | not reached: the ramp stopped below it | **not met** |%n",
                    settings.targetFreshnessP99Millis() / 1000.0, settings.freshnessRate()));
        }
        out.append(String.format(Locale.ROOT, "| ground truth: totals exact, visitors within the sketch error | %s | **%s** |%n%n",
                run.truth().summary().replace("|", "/"), run.truth().passed() ? "met" : "not met"));

        StepResult limit = run.steps().stream().filter(s -> !s.sustained()).findFirst().orElse(null);
        if (limit != null) {
            out.append(String.format(Locale.ROOT, "**What limits it** (the step at %,.0f events/s): %s.%n%n", limit.targetRate(),
                    limit.limitingStage(run.machine().cores())));
        }

        freshnessStep.ifPresent(step -> out.append(String.format(Locale.ROOT, "**Where freshness goes** (the step at %,.0f events/s): %s.%n%n",
                step.targetRate(), freshnessStages(step.freshness()))));

        out.append(String.format(Locale.ROOT, "- Machine: %d cores (nproc), %.1f GiB memory, %s; %s; Linux %s.%n", run.machine().cores(),
                run.machine().memoryGiB(), run.machine().cpuModel(), run.machine().jdk(), run.machine().kernel()));
        out.append(String.format(Locale.ROOT, "- Quiet before the run: %s. Load average at the start: %s.%n", run.machine().quietNote(),
                run.machine().loadAverage()));
        out.append(String.format(Locale.ROOT, "- Beside the pipeline, on the same cores, nothing pinned: the Kafka broker and the Cassandra node "
                        + "(child JVMs, 1 GiB heap each, as `./tally run`), the benchmark JVM (traffic generator: one thread, %d keep-alive "
                        + "connections; freshness probe and lag sampling), and whatever else ran on the machine (column \"others\").%n",
                settings.connections() > 0 ? settings.connections() : dev.tally.deploy.traffic.TrafficConfig.defaultConnections(settings.highestRate())));
        out.append(String.format(Locale.ROOT, "- Services: one JVM each (heaps %s), settings as `./tally run --demo`%s; topics with %d partitions.%n",
                settings.heaps(), settings.overrides().isEmpty() ? "" : ", changed for this run: `" + settings.overrides() + "`", settings.partitions()));
        out.append(String.format(Locale.ROOT, "- Traffic: %d simulated sites, seed %d, demo mix (≈10%% bots, returning visitors, custom events with "
                        + "values, 3%% late by up to 8 min); warm-up %d s at the first rate, then %d s per step; lag judged over each step's "
                        + "second half (limit %.0f s of input). Generator: %s.%n",
                settings.sites(), settings.seed(), settings.warmup().toSeconds(), settings.step().toSeconds(), settings.maxLagSeconds(),
                run.trafficSummary()));
        out.append(String.format(Locale.ROOT, "- Freshness probes: one page view every %d ms on site `%s`, query API polled every %d ms; "
                        + "%,d acknowledged, %d failed.%n",
                settings.probeInterval().toMillis(), EndToEndBenchmark.PROBE_SITE, settings.pollInterval().toMillis(), run.probes(),
                run.probesFailed()));
        if (!run.deadServices().isEmpty()) {
            out.append("- **Services that exited:** ").append(run.deadServices()).append('\n');
        }
        out.append('\n');

        out.append("#### Steps\n\n");
        out.append("| events/s asked | gateway accepted/s | aggregator enriched/s | rollup records/s | sink rows/s (raw / rollups)"
                + " | Cassandra writes per event | lag: aggregator | sink raw | sink rollups | freshness p50 / p99 (probes) | sustained |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---|---|---|---|---|\n");
        for (StepResult step : run.steps()) {
            StageCounters.Rates rates = step.rates();
            out.append(String.format(Locale.ROOT, "| %,.0f | %,.0f | %,.0f | %,.0f | %,.0f / %,.0f | %.2f | %s | %s | %s | %s / %s (%d%s) | %s |%n",
                    step.targetRate(), rates.gatewayAccepted(), rates.enriched(), rates.rollups(), rawRows(rates), rollupRows(rates),
                    rates.writesPerEvent(), lag(step.aggregator()), lag(step.sinkRaw()), lag(step.sinkRollups()),
                    step.freshness().percentile(50).format(), step.freshness().percentile(99).format(), step.freshness().count(),
                    step.freshness().censored() > 0 ? ", " + step.freshness().censored() + " not seen in time" : "",
                    step.sustained() ? "yes" : "**no**"));
        }
        out.append('\n');

        out.append("#### Freshness by stage\n\n");
        out.append("Time from each probe's 2xx until its page view is readable (read_committed) on the enriched topic (the aggregator's"
                + " first exactly-once transaction: enrichment and pre-aggregation), until its page's minute rollup is readable on the"
                + " minute rollup topic (the second: the merge by site), and until the query API counts it (the sink's rollup flush,"
                + " the write to Cassandra, the query and the 100 ms poll). Over the probes the API counted, as seen by a consumer in"
                + " the benchmark JVM.\n\n");
        out.append("| events/s asked |");
        for (Freshness.Stage stage : Freshness.Stage.values()) {
            out.append(' ').append(stage.description()).append(": p50 / p99 |");
        }
        out.append("\n|---:|");
        for (Freshness.Stage stage : Freshness.Stage.values()) {
            out.append("---:|");
        }
        out.append('\n');
        for (StepResult step : run.steps()) {
            out.append(String.format(Locale.ROOT, "| %,.0f |", step.targetRate()));
            for (Freshness.Stage stage : Freshness.Stage.values()) {
                out.append(String.format(Locale.ROOT, " %s / %s (%d) |", seconds(step.freshness().stagePercentile(stage, 50)),
                        seconds(step.freshness().stagePercentile(stage, 99)), step.freshness().stageCount(stage)));
            }
            out.append('\n');
        }
        out.append('\n');

        out.append("#### CPU (cores) and resident memory per process\n\n");
        out.append("| events/s asked |");
        PROCESSES.forEach(p -> out.append(' ').append(p).append(" |"));
        out.append(" of which generator thread | others | machine |\n|---:|");
        PROCESSES.forEach(p -> out.append("---:|"));
        out.append("---:|---:|---:|\n");
        for (StepResult step : run.steps()) {
            out.append(String.format(Locale.ROOT, "| %,.0f |", step.targetRate()));
            PROCESSES.forEach(p -> out.append(String.format(Locale.ROOT, " %.2f |", step.cores().getOrDefault(p, Double.NaN))));
            out.append(String.format(Locale.ROOT, " %.2f | %.2f | %.2f |%n", step.generatorCores(), step.cores().getOrDefault(CpuUsage.OTHERS, Double.NaN),
                    step.cores().getOrDefault(CpuUsage.MACHINE, Double.NaN)));
        }
        out.append("\nPeak resident memory over the run: ");
        List<String> rss = new ArrayList<>();
        run.peakRssMiB().forEach((name, mib) -> rss.add(String.format(Locale.ROOT, "%s %.0f MiB", name, mib)));
        out.append(String.join(", ", rss)).append(".\n\n");

        StageCounters.Rates whole = run.whole();
        out.append("#### Cassandra writes per event (whole run, after the drain)\n\n");
        out.append(String.format(Locale.ROOT, "%,.0f events accepted by the gateway; the sink's acknowledged Cassandra requests per event: "
                        + "**%.3f** (%s), rows per event: %.3f (%s). Traffic ran %d s; the consumer groups caught up %.0f s after it "
                        + "stopped; the API matched the ground truth %.0f s after that.%n%n",
                whole.acceptedEvents(), whole.writesPerEvent(), perEvent(whole.sinkWrites(), whole), whole.rowsPerEvent(),
                perEvent(whole.sinkRows(), whole), run.trafficTime().toSeconds(), run.drainSeconds(), run.truth().secondsToConverge()));

        out.append("#### Ground truth\n\n").append(run.truth().summary()).append(".\n\n");
        out.append("| site | page views: API / generator | custom events: API / generator | visitors: API / generator (error) |\n");
        out.append("|---|---:|---:|---:|\n");
        for (TruthCheck.SiteCheck site : run.truth().sites()) {
            out.append(String.format(Locale.ROOT, "| %s | %,d / %,d%s | %,d / %,d | %,.0f / %,d (%+.2f%%) |%n", site.site(), site.pageviews(),
                    site.expectedPageviews(), site.countsExact() ? "" : " **≠**", site.events(), site.expectedEvents(), site.visitors(),
                    site.expectedVisitors(), site.visitorError() * 100));
        }
        return out.toString();
    }

    /**
     * The median time each stage adds, and the stage that adds most: the one to work on for freshness.
     * Stages: the first transaction (2xx to enriched), the second (to the minute rollup), the sink and the
     * query (to counted).
     */
    static String freshnessStages(Freshness freshness) {
        double enriched = freshness.stagePercentile(Freshness.Stage.ENRICHED, 50);
        double rollup = freshness.stagePercentile(Freshness.Stage.MINUTE_ROLLUP, 50);
        double counted = freshness.stagePercentile(Freshness.Stage.COUNTED, 50);
        if (Double.isNaN(enriched) || Double.isNaN(rollup) || Double.isNaN(counted)) {
            return "not known: the stage watcher saw too few probes";
        }
        String[] names = {"the aggregator's first transaction (gateway 2xx to enriched event readable)",
                "the aggregator's second transaction (to the minute rollup readable)",
                "the sink's flush, Cassandra and the query API (to counted)"};
        double[] adds = {enriched, Math.max(0, rollup - enriched), Math.max(0, counted - rollup)};
        int largest = 0;
        for (int i = 1; i < adds.length; i++) {
            if (adds[i] > adds[largest]) {
                largest = i;
            }
        }
        return String.format(Locale.ROOT, "medians %s to the enriched event, %s to the minute rollup, %s to counted; the largest share,"
                        + " %s, is %s", seconds(enriched), seconds(rollup), seconds(counted), seconds(adds[largest]), names[largest]);
    }

    private static String seconds(double millis) {
        return Double.isNaN(millis) ? "n/a" : String.format(Locale.ROOT, "%.2f s", millis / 1000);
    }

    private static double rawRows(StageCounters.Rates rates) {
        return rates.sinkRows().entrySet().stream().filter(e -> e.getKey().startsWith("raw")).mapToDouble(Map.Entry::getValue).sum();
    }

    private static double rollupRows(StageCounters.Rates rates) {
        return rates.sinkRows().entrySet().stream().filter(e -> e.getKey().startsWith("rollup")).mapToDouble(Map.Entry::getValue).sum();
    }

    private static String lag(LagJudge.Verdict verdict) {
        if (Double.isInfinite(verdict.maxLagSeconds())) {
            return verdict.bounded() ? "0" : "**no input**";
        }
        String text = String.format(Locale.ROOT, "≤ %.1f s (%,d)", verdict.maxLagSeconds(), verdict.maxLagRecords());
        return verdict.bounded() ? text : "**" + text + ", trend " + String.format(Locale.ROOT, "%+.0f s", verdict.growthSeconds()) + "**";
    }

    private static String perEvent(Map<String, Double> byKind, StageCounters.Rates whole) {
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, perSecond) -> parts.add(String.format(Locale.ROOT, "%s %.3f", kind, perSecond / whole.gatewayAccepted())));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }
}

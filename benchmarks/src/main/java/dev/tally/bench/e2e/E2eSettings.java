package dev.tally.bench.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Options of {@link EndToEndBenchmark}, as {@code --name value} pairs; {@code --set key=value} may repeat.
 *
 * @param rates           the ramp, events/s ({@code --rates}: list or from:to:step); the freshness rate is added
 * @param step            how long each rate is held
 * @param warmup          traffic at the first rate before the first step, not judged (JIT, caches, first segments)
 * @param freshnessRate   the rate whose step gives the headline freshness: half of the 20,000 events/s target
 * @param targetRate      the target for the sustained rate
 * @param targetFreshnessP99Millis the target for freshness p99 at {@code freshnessRate}
 * @param maxLagSeconds   a consumer group keeps up while its lag stays within this many seconds of input
 * @param sites           simulated sites of the traffic generator
 * @param seed            the generator's seed
 * @param connections     the generator's keep-alive connections; 0 picks the generator's default for the highest rate
 * @param partitions      partitions per topic (the launcher's default is 6)
 * @param probeInterval   one probe event per this interval
 * @param pollInterval    how often the query API is asked about outstanding probes (the resolution of freshness)
 * @param probeTimeout    a probe not counted within this is recorded as "longer than the timeout"
 * @param drainTimeout    after the ramp, how long to wait for every consumer group to catch up and the API to match
 * @param heaps           {@code -Xmx} per service
 * @param overrides       service settings changed for an experiment ({@code --set sink.rollups.flush-interval=1s})
 */
record E2eSettings(List<Double> rates, Duration step, Duration warmup, double freshnessRate, double targetRate,
                   long targetFreshnessP99Millis, double maxLagSeconds, int sites, long seed, int connections, int partitions,
                   Duration probeInterval, Duration pollInterval, Duration probeTimeout, Duration drainTimeout,
                   Map<String, String> heaps, Map<String, String> overrides, Path workDir, Path doc, String command, String quietNote) {

    static final String DEFAULT_RATES = "2500,5000,10000,15000,20000,25000,30000";
    private static final Set<String> KNOWN = Set.of("rates", "step", "warmup", "freshness-rate", "max-lag", "sites", "seed", "connections",
            "partitions", "probe-interval-ms", "poll-interval-ms", "probe-timeout", "drain-timeout", "heaps", "set", "work-dir", "doc",
            "command", "quiet-note");

    static E2eSettings parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected --option value pairs, got " + Arrays.toString(args));
            }
            String name = args[i].substring(2);
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("Unknown option --" + name + " (known: " + KNOWN + ")");
            }
            if (name.equals("set")) {
                int equals = args[i + 1].indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("--set needs key=value, got " + args[i + 1]);
                }
                overrides.put(args[i + 1].substring(0, equals), args[i + 1].substring(equals + 1));
            } else {
                options.put(name, args[i + 1]);
            }
        }
        double freshnessRate = Double.parseDouble(options.getOrDefault("freshness-rate", "10000"));
        Map<String, String> heaps = new LinkedHashMap<>(Map.of(EndToEndBenchmark.GATEWAY, "256m", EndToEndBenchmark.AGGREGATOR, "512m",
                EndToEndBenchmark.SINK, "512m", EndToEndBenchmark.QUERY, "256m"));
        if (options.containsKey("heaps")) {
            for (String pair : options.get("heaps").split(",")) {
                String[] parts = pair.split("=");
                if (parts.length != 2 || !heaps.containsKey(parts[0].trim())) {
                    throw new IllegalArgumentException("--heaps service=size,... with services " + heaps.keySet() + "; got " + pair);
                }
                heaps.put(parts[0].trim(), parts[1].trim());
            }
        }
        return new E2eSettings(
                StepController.plan(options.getOrDefault("rates", DEFAULT_RATES), freshnessRate),
                seconds(options.getOrDefault("step", "180")),
                seconds(options.getOrDefault("warmup", "60")),
                freshnessRate, 20_000, 2_000,
                Double.parseDouble(options.getOrDefault("max-lag", "15")),
                Integer.parseInt(options.getOrDefault("sites", "20")),
                Long.parseLong(options.getOrDefault("seed", "1")),
                Integer.parseInt(options.getOrDefault("connections", "0")),
                Integer.parseInt(options.getOrDefault("partitions", "6")),
                Duration.ofMillis(Long.parseLong(options.getOrDefault("probe-interval-ms", "250"))),
                Duration.ofMillis(Long.parseLong(options.getOrDefault("poll-interval-ms", "100"))),
                seconds(options.getOrDefault("probe-timeout", "60")),
                seconds(options.getOrDefault("drain-timeout", "300")),
                heaps, overrides,
                Path.of(options.getOrDefault("work-dir", "target/e2e-bench")).toAbsolutePath(),
                options.containsKey("doc") ? Path.of(options.get("doc")).toAbsolutePath() : null,
                options.getOrDefault("command", "java dev.tally.bench.e2e.EndToEndBenchmark " + String.join(" ", args)),
                options.getOrDefault("quiet-note", "not checked"));
    }

    E2eSettings {
        if (probeTimeout.compareTo(Duration.ofMinutes(55)) > 0) {
            // The probe window must stay shorter than an hour to be answered by the minute tier.
            throw new IllegalArgumentException("--probe-timeout must be at most 3300 s, was " + probeTimeout.toSeconds());
        }
        if (sites < 1 || partitions < 1 || maxLagSeconds <= 0) {
            throw new IllegalArgumentException("--sites and --partitions must be at least 1, --max-lag above 0");
        }
    }

    private static Duration seconds(String text) {
        long value = Long.parseLong(text.trim());
        if (value <= 0) {
            throw new IllegalArgumentException("durations are whole seconds above 0, got " + text);
        }
        return Duration.ofSeconds(value);
    }

    double highestRate() {
        return rates.get(rates.size() - 1);
    }
}

package dev.tally.bench.e2e;

import java.util.Locale;
import java.util.Map;

/**
 * What one step of the ramp measured, and whether the pipeline sustained its rate.
 *
 * @param targetRate       events per second the generator was asked for
 * @param rates            stage throughput over the step
 * @param aggregator       lag of the aggregator's consumer group (raw events and its repartition topic)
 * @param sinkRaw          lag of the sink's raw-events group (enriched events into raw_events)
 * @param sinkRollups      lag of the sink's rollups group (rollup topics into rollup_minutes, rollup_hours, rollup_days)
 * @param freshness        probe freshness during the step
 * @param cores            CPU per process over the step, in cores (see {@code CpuUsage})
 * @param rssMiB           resident memory per process at the end of the step
 * @param generatorCores   CPU of the traffic generator's one thread: near 1.0 means the generator, not
 *                         the pipeline, capped the rate
 * @param failedEvents     events the gateway refused or did not answer during the step
 */
record StepResult(double targetRate, StageCounters.Rates rates, LagJudge.Verdict aggregator, LagJudge.Verdict sinkRaw,
                  LagJudge.Verdict sinkRollups, Freshness freshness, Map<String, Double> cores, Map<String, Double> rssMiB,
                  double generatorCores, long failedEvents) {

    /** The gateway must accept at least this share of the target rate for the step to count. */
    static final double MIN_ACCEPTED_SHARE = 0.95;
    /** Above this, the generator's single thread is the limit. */
    static final double GENERATOR_SATURATED_CORES = 0.9;
    /** Above this, the 2-core machine has no CPU left for anyone. */
    static final double MACHINE_SATURATED_SHARE = 0.95;

    boolean gatewayKeptUp() {
        return rates.gatewayAccepted() >= MIN_ACCEPTED_SHARE * targetRate && failedEvents == 0;
    }

    boolean sustained() {
        return gatewayKeptUp() && aggregator.bounded() && sinkRaw.bounded() && sinkRollups.bounded();
    }

    /**
     * The first stage, in pipeline order, that did not keep up, with what it used; empty when the
     * step was sustained.
     */
    String limitingStage(int machineCores) {
        if (sustained()) {
            return "";
        }
        String stage;
        String lift;
        if (!gatewayKeptUp()) {
            lift = generatorCores >= GENERATOR_SATURATED_CORES
                    ? "a generator with more threads or on another machine (the pipeline was not shown to be the limit)"
                    : "less CPU per request in the gateway (see \"What limits the gateway\") or more cores";
            stage = generatorCores >= GENERATOR_SATURATED_CORES
                    ? String.format(Locale.ROOT, "the load generator (its one thread used %.2f cores; the gateway accepted %,.0f of %,.0f events/s)",
                            generatorCores, rates.gatewayAccepted(), targetRate)
                    : String.format(Locale.ROOT, "the gateway: accepted %,.0f of %,.0f events/s%s (gateway %.2f cores, Kafka %.2f)",
                            rates.gatewayAccepted(), targetRate, failedEvents > 0 ? ", " + failedEvents + " events refused or unanswered" : "",
                            core(EndToEndBenchmark.GATEWAY), core(EndToEndBenchmark.KAFKA));
        } else if (!aggregator.bounded()) {
            lift = "more stream threads with the cores to run them (aggregator.stream-threads, partitions) or less work per event in enrichment";
            stage = String.format(Locale.ROOT, "the stream aggregator: lag %s (aggregator %.2f cores)", aggregator.summary(),
                    core(EndToEndBenchmark.AGGREGATOR));
        } else if (!sinkRaw.bounded()) {
            lift = "more writes in flight or fuller batches (sink.max-in-flight-writes, sink.raw.max-batch-rows), or Cassandra on cores of its own";
            stage = String.format(Locale.ROOT, "the Cassandra sink, raw events: lag %s (sink %.2f cores, Cassandra %.2f)", sinkRaw.summary(),
                    core(EndToEndBenchmark.SINK), core(EndToEndBenchmark.CASSANDRA));
        } else {
            lift = "a longer sink.rollups.flush-interval (fewer writes per event, staler numbers) or more writes in flight";
            stage = String.format(Locale.ROOT, "the Cassandra sink, rollups: lag %s (sink %.2f cores, Cassandra %.2f)", sinkRollups.summary(),
                    core(EndToEndBenchmark.SINK), core(EndToEndBenchmark.CASSANDRA));
        }
        double machine = cores.getOrDefault(dev.tally.bench.proc.CpuUsage.MACHINE, 0.0);
        if (machine >= MACHINE_SATURATED_SHARE * machineCores) {
            stage += String.format(Locale.ROOT, "; the machine's %d cores were saturated (%.2f busy), so every stage competed for CPU",
                    machineCores, machine);
            lift += "; above all more cores, as every process shares the same ones";
        }
        return stage + ". What would lift it: " + lift;
    }

    private double core(String process) {
        return cores.getOrDefault(process, Double.NaN);
    }
}

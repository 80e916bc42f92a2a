package dev.tally.bench.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Freshness of the probe events of one step: for each probe, the time from the gateway's 2xx to the
 * first query API answer that counted it. Probes never seen within the probe timeout are kept as
 * "longer than the timeout" (censored), not dropped: dropping them would flatter the percentiles of an
 * overloaded step.
 */
final class Freshness {
    /**
     * Where a probe's time goes ({@link ProbeStages}): from the 2xx until its event is readable on the
     * enriched topic, until its minute rollup is readable on the rollup topic, until the query API counts it.
     */
    enum Stage {
        ENRICHED("enriched event readable"), MINUTE_ROLLUP("minute rollup readable"), COUNTED("counted by the query API");

        private final String description;

        Stage(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    private final List<Long> millis = new ArrayList<>();
    private final Map<Stage, List<Long>> stageMillis = new EnumMap<>(Stage.class);
    private int censored;
    private final long timeoutMillis;

    Freshness(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    synchronized void seen(long freshnessMillis) {
        seen(freshnessMillis, OptionalLong.empty(), OptionalLong.empty());
    }

    /** A probe counted after {@code freshnessMillis}, with the times its earlier stages were reached, where known. */
    synchronized void seen(long freshnessMillis, OptionalLong enrichedMillis, OptionalLong rollupMillis) {
        millis.add(freshnessMillis);
        stageMillis.computeIfAbsent(Stage.COUNTED, s -> new ArrayList<>()).add(freshnessMillis);
        enrichedMillis.ifPresent(m -> stageMillis.computeIfAbsent(Stage.ENRICHED, s -> new ArrayList<>()).add(m));
        rollupMillis.ifPresent(m -> stageMillis.computeIfAbsent(Stage.MINUTE_ROLLUP, s -> new ArrayList<>()).add(m));
    }

    /** Probes counted whose arrival at {@code stage} was seen. */
    synchronized int stageCount(Stage stage) {
        return stageMillis.getOrDefault(stage, List.of()).size();
    }

    /**
     * Nearest-rank percentile of the time from the 2xx to {@code stage}, over the probes counted whose
     * arrival there was seen (NaN if none). Probes never counted are not in it: read it beside {@link #percentile}.
     */
    synchronized double stagePercentile(Stage stage, double p) {
        List<Long> sorted = new ArrayList<>(stageMillis.getOrDefault(stage, List.of()));
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        return sorted.get(nearestRank(p, sorted.size()) - 1);
    }

    synchronized void notSeen() {
        censored++;
    }

    synchronized int count() {
        return millis.size() + censored;
    }

    synchronized int censored() {
        return censored;
    }

    /** A percentile: a time, or "more than the timeout" when it falls among the probes never seen. */
    record Quantile(double millis, boolean aboveTimeout) {
        String format() {
            if (Double.isNaN(millis)) {
                return "n/a";
            }
            String value = millis >= 10_000 ? String.format(Locale.ROOT, "%.0f s", millis / 1000)
                    : String.format(Locale.ROOT, "%.2f s", millis / 1000);
            return aboveTimeout ? "> " + value : value;
        }
    }

    /** Nearest-rank percentile ({@code p} in (0, 100]) over all probes, the censored ones ranked last. */
    synchronized Quantile percentile(double p) {
        int n = count();
        if (n == 0) {
            return new Quantile(Double.NaN, false);
        }
        int rank = nearestRank(p, n);
        if (rank > millis.size()) {
            return new Quantile(timeoutMillis, true);
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return new Quantile(sorted.get(rank - 1), false);
    }

    /** The 1-based nearest rank of percentile {@code p} among {@code n} values. */
    private static int nearestRank(double p, int n) {
        return Math.max(1, Math.min(n, (int) Math.ceil(p / 100.0 * n)));
    }
}

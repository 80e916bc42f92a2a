package dev.tally.bench.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Freshness of the probe events of one step: for each probe, the time from the gateway's 2xx to the
 * first query API answer that counted it. Probes never seen within the probe timeout are kept as
 * "longer than the timeout" (censored), not dropped: dropping them would flatter the percentiles of an
 * overloaded step.
 */
final class Freshness {
    private final List<Long> millis = new ArrayList<>();
    private int censored;
    private final long timeoutMillis;

    Freshness(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    synchronized void seen(long freshnessMillis) {
        millis.add(freshnessMillis);
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
        int rank = (int) Math.ceil(p / 100.0 * n);
        rank = Math.max(1, Math.min(n, rank));
        if (rank > millis.size()) {
            return new Quantile(timeoutMillis, true);
        }
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return new Quantile(sorted.get(rank - 1), false);
    }
}

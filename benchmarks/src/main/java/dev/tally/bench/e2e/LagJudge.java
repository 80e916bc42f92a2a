package dev.tally.bench.e2e;

import java.util.List;
import java.util.Locale;

/**
 * Decides whether a consumer group kept up during one step: its lag (records produced to its input
 * topics but not yet committed by it), sampled over the step, must stay bounded.
 *
 * <p>Lag is judged in seconds of input ({@code records / input records per second}), so one limit fits
 * every rate and every topic: the aggregator commits once per commit interval and the sink writes rollups
 * once per flush interval, so a healthy group always lags by a few seconds' worth of records. Only the
 * second half of the step is judged (the first half lets a backlog from the step before, or a JIT warm-up,
 * drain). The group kept up if, in that half, its lag never exceeded the limit, and the lag's trend
 * (least-squares slope) projected over one more step's length would not push it past the limit either:
 * a group that falls behind by a little every second fails the second test before the first.
 */
final class LagJudge {
    private LagJudge() {}

    /** One reading: seconds since the step began, records behind. */
    record Sample(double atSeconds, long records) {}

    /**
     * @param maxLagSeconds the largest lag seen in the judged half, in seconds of input
     * @param endLagSeconds the lag at the last sample
     * @param growthSeconds the trend over one step's length, in seconds of input (negative: draining)
     */
    record Verdict(boolean bounded, double maxLagSeconds, double endLagSeconds, double growthSeconds, long maxLagRecords) {
        String summary() {
            return String.format(Locale.ROOT, "%s (max %s, end %s, trend %+.1f s per step)",
                    bounded ? "bounded" : "**growing**", seconds(maxLagSeconds), seconds(endLagSeconds), growthSeconds);
        }

        private static String seconds(double value) {
            return Double.isInfinite(value) ? "∞" : String.format(Locale.ROOT, "%.1f s", value);
        }
    }

    /**
     * @param samples        readings in time order
     * @param inputPerSecond records per second arriving on the group's input topics during the step
     * @param stepSeconds    the step's length
     * @param limitSeconds   the most lag, in seconds of input, that still counts as keeping up
     */
    static Verdict judge(List<Sample> samples, double inputPerSecond, double stepSeconds, double limitSeconds) {
        if (samples.isEmpty()) {
            return new Verdict(false, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, -1);
        }
        List<Sample> judged = samples.stream().filter(s -> s.atSeconds() >= stepSeconds / 2).toList();
        if (judged.size() < 2) {
            judged = samples;
        }
        long maxRecords = judged.stream().mapToLong(Sample::records).max().orElse(0);
        long endRecords = judged.get(judged.size() - 1).records();
        double slope = slope(judged);
        double maxSeconds = toSeconds(maxRecords, inputPerSecond);
        double endSeconds = toSeconds(endRecords, inputPerSecond);
        double growth = inputPerSecond > 0 ? slope * stepSeconds / inputPerSecond : (slope > 0 ? Double.POSITIVE_INFINITY : 0);
        boolean bounded = maxSeconds <= limitSeconds && growth <= limitSeconds;
        return new Verdict(bounded, maxSeconds, endSeconds, growth, maxRecords);
    }

    private static double toSeconds(long records, double inputPerSecond) {
        if (records <= 0) {
            return 0;
        }
        return inputPerSecond > 0 ? records / inputPerSecond : Double.POSITIVE_INFINITY;
    }

    /** Least-squares slope of records over time, in records per second; 0 for fewer than two distinct times. */
    static double slope(List<Sample> samples) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double meanT = samples.stream().mapToDouble(Sample::atSeconds).average().orElse(0);
        double meanR = samples.stream().mapToDouble(Sample::records).average().orElse(0);
        double covariance = 0;
        double variance = 0;
        for (Sample sample : samples) {
            double dt = sample.atSeconds() - meanT;
            covariance += dt * (sample.records() - meanR);
            variance += dt * dt;
        }
        return variance == 0 ? 0 : covariance / variance;
    }
}

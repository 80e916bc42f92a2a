package dev.tally.bench.e2e;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cumulative counts of every stage at one moment; two of them give the stage rates of a step.
 *
 * @param gatewayAccepted events the gateway acknowledged ({@code tally_gateway_events_accepted_total}, all endpoints)
 * @param rawRecords      records in {@code <ns>.events.raw} (sum of end offsets)
 * @param enrichedRecords records in {@code <ns>.events.enriched}: the aggregator's enriched output
 * @param rollupRecords   records in {@code <ns>.rollups.minute|hour|day}: the aggregator's rollup output
 * @param sinkWrites      Cassandra requests the sink had acknowledged, by kind ({@code tally_sink_writes_total})
 * @param sinkRows        rows in them, by kind ({@code tally_sink_rows_written_total})
 */
record StageCounters(long nanos, double gatewayAccepted, long rawRecords, long enrichedRecords, long rollupRecords,
                     Map<String, Double> sinkWrites, Map<String, Double> sinkRows) {

    StageCounters {
        sinkWrites = Map.copyOf(sinkWrites);
        sinkRows = Map.copyOf(sinkRows);
    }

    /** Per-second rates between two readings. */
    record Rates(double seconds, double gatewayAccepted, double raw, double enriched, double rollups,
                 Map<String, Double> sinkWrites, Map<String, Double> sinkRows, double acceptedEvents) {

        double sinkWritesTotal() {
            return sinkWrites.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        double sinkRowsTotal() {
            return sinkRows.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** Cassandra requests per event the gateway accepted; NaN without events. */
        double writesPerEvent() {
            return gatewayAccepted > 0 ? sinkWritesTotal() / gatewayAccepted : Double.NaN;
        }

        double rowsPerEvent() {
            return gatewayAccepted > 0 ? sinkRowsTotal() / gatewayAccepted : Double.NaN;
        }
    }

    Rates since(StageCounters before) {
        double seconds = (nanos - before.nanos) / 1e9;
        return new Rates(seconds,
                (gatewayAccepted - before.gatewayAccepted) / seconds,
                (rawRecords - before.rawRecords) / seconds,
                (enrichedRecords - before.enrichedRecords) / seconds,
                (rollupRecords - before.rollupRecords) / seconds,
                perSecond(before.sinkWrites, sinkWrites, seconds),
                perSecond(before.sinkRows, sinkRows, seconds),
                gatewayAccepted - before.gatewayAccepted);
    }

    private static Map<String, Double> perSecond(Map<String, Double> before, Map<String, Double> after, double seconds) {
        Map<String, Double> rates = new LinkedHashMap<>();
        after.keySet().stream().sorted().forEach(kind -> rates.put(kind, (after.get(kind) - before.getOrDefault(kind, 0.0)) / seconds));
        return rates;
    }
}

package dev.tally.bench.e2e;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads counters out of a service's {@code /metrics} page (Prometheus text format, as Micrometer writes
 * it: {@code name{label="value",...} 123.0}). Comment lines are skipped.
 */
final class PrometheusText {
    private PrometheusText() {}

    /** Sum of every sample of {@code metric} (all label sets); 0 when absent. */
    static double sum(String text, String metric) {
        return byLabel(text, metric, null).values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * Samples of {@code metric} summed by the value of {@code label} (for example {@code kind}); with a
     * null label, everything under the key "".
     */
    static Map<String, Double> byLabel(String text, String metric, String label) {
        Map<String, Double> sums = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            int brace = line.indexOf('{');
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            if (!name.equals(metric)) {
                continue;
            }
            String labels = brace >= 0 && brace < space ? line.substring(brace + 1, line.lastIndexOf('}', space)) : "";
            String key = label == null ? "" : labelValue(labels, label);
            if (key == null) {
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(line.substring(space + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            sums.merge(key, value, Double::sum);
        }
        return sums;
    }

    private static String labelValue(String labels, String label) {
        String prefix = label + "=\"";
        int at = labels.startsWith(prefix) ? 0 : labels.indexOf("," + prefix);
        if (at < 0) {
            return null;
        }
        int start = at + (at == 0 ? 0 : 1) + prefix.length();
        int end = labels.indexOf('"', start);
        return end < 0 ? null : labels.substring(start, end);
    }
}

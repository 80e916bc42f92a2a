package dev.tally.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.TreeSet;

/**
 * The ramp: rates in rising order, each held for one step, until a step is not sustained or the plan
 * ends. The highest sustained rate is the benchmark's headline.
 */
final class StepController {
    private final List<Double> rates;
    private int next;
    private boolean failed;
    private double highestSustained = Double.NaN;
    private double firstUnsustained = Double.NaN;

    StepController(List<Double> rates) {
        if (rates.isEmpty()) {
            throw new IllegalArgumentException("the ramp needs at least one rate");
        }
        this.rates = List.copyOf(rates);
    }

    /**
     * The rates of a ramp: {@code spec} is a comma-separated list ({@code 5000,10000,20000}) or
     * {@code from:to:step} ({@code 5000:30000:5000}); {@code mustInclude} (the rate freshness is judged at)
     * is added if missing. Sorted, without duplicates.
     */
    static List<Double> plan(String spec, double mustInclude) {
        TreeSet<Double> rates = new TreeSet<>();
        String trimmed = spec.trim();
        if (trimmed.contains(":")) {
            String[] parts = trimmed.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("--rates from:to:step, e.g. 5000:30000:5000; was " + spec);
            }
            double from = positive(parts[0]);
            double to = positive(parts[1]);
            double step = positive(parts[2]);
            for (double rate = from; rate <= to + 1e-9; rate += step) {
                rates.add(rate);
            }
        } else {
            for (String part : trimmed.split(",")) {
                rates.add(positive(part));
            }
        }
        if (mustInclude > 0) {
            rates.add(mustInclude);
        }
        return new ArrayList<>(rates);
    }

    private static double positive(String text) {
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a rate: '" + text + "'");
        }
        if (!(value > 0)) {
            throw new IllegalArgumentException("rates must be above 0, was " + text);
        }
        return value;
    }

    /** The next rate to hold, or empty when the ramp is over. */
    OptionalDouble next() {
        if (failed || next >= rates.size()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(rates.get(next));
    }

    /** Records the outcome of the step at {@link #next()}'s rate. */
    void finished(boolean sustained) {
        double rate = rates.get(next++);
        if (sustained) {
            highestSustained = rate;
        } else {
            failed = true;
            firstUnsustained = rate;
        }
    }

    /** NaN if no step was sustained. */
    double highestSustained() {
        return highestSustained;
    }

    /** NaN if every step of the plan was sustained. */
    double firstUnsustained() {
        return firstUnsustained;
    }

    List<Double> rates() {
        return rates;
    }
}

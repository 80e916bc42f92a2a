package dev.tally.deploy.traffic.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A fixed list of choices with relative weights, drawn from a given random stream. */
final class Weighted<T> {
    private final List<T> items = new ArrayList<>();
    private final List<Double> cumulative = new ArrayList<>();
    private double total;

    Weighted<T> add(double weight, T item) {
        if (!(weight > 0)) {
            throw new IllegalArgumentException("weights are positive");
        }
        total += weight;
        items.add(item);
        cumulative.add(total);
        return this;
    }

    T pick(SplittableRandom random) {
        double u = random.nextDouble() * total;
        for (int i = 0; i < items.size(); i++) {
            if (u < cumulative.get(i)) {
                return items.get(i);
            }
        }
        return items.get(items.size() - 1);
    }

    List<T> items() {
        return List.copyOf(items);
    }

    double share(T item) {
        double weight = 0;
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).equals(item)) {
                weight += cumulative.get(i) - (i == 0 ? 0 : cumulative.get(i - 1));
            }
        }
        return weight / total;
    }
}

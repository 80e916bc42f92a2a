package dev.tally.deploy.traffic.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Ranks 0..n-1 drawn with probability proportional to {@code 1 / (rank + 1)^exponent}: a few pages
 * (or sites) get most of the traffic and a long tail gets a little, as on real sites.
 */
public final class Zipf {
    private final double[] cumulative;

    public Zipf(int size, double exponent) {
        if (size < 1) {
            throw new IllegalArgumentException("a Zipf distribution needs at least one rank");
        }
        if (!(exponent >= 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("the Zipf exponent must be a finite number >= 0, was " + exponent);
        }
        cumulative = new double[size];
        double sum = 0;
        for (int rank = 0; rank < size; rank++) {
            sum += 1.0 / Math.pow(rank + 1, exponent);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < size; rank++) {
            cumulative[rank] /= sum;
        }
        cumulative[size - 1] = 1.0; // no rounding gap at the top
    }

    public int size() {
        return cumulative.length;
    }

    public double probability(int rank) {
        return rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1];
    }

    public int sample(SplittableRandom random) {
        int found = Arrays.binarySearch(cumulative, random.nextDouble());
        // Not found: -(insertion point) - 1, and the insertion point is the first cumulative value above u.
        return found >= 0 ? found : -found - 1;
    }
}

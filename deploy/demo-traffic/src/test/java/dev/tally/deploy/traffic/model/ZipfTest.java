package dev.tally.deploy.traffic.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfTest {
    @Test
    void probabilities_fall_with_rank_and_add_up_to_one() {
        Zipf zipf = new Zipf(100, 1.0);
        double sum = 0;
        for (int rank = 0; rank < 100; rank++) {
            sum += zipf.probability(rank);
            if (rank > 0) {
                assertThat(zipf.probability(rank)).isLessThan(zipf.probability(rank - 1));
            }
        }
        assertThat(sum).isCloseTo(1.0, within(1e-9));
        // With exponent 1, rank 1 is half as likely as rank 0.
        assertThat(zipf.probability(1) / zipf.probability(0)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void samples_follow_the_probabilities() {
        Zipf zipf = new Zipf(10, 1.2);
        SplittableRandom random = new SplittableRandom(7);
        int[] counts = new int[10];
        for (int i = 0; i < 200_000; i++) {
            counts[zipf.sample(random)]++;
        }
        for (int rank = 0; rank < 10; rank++) {
            assertThat(counts[rank] / 200_000.0).isCloseTo(zipf.probability(rank), within(0.005));
        }
    }

    @Test
    void exponent_zero_is_uniform() {
        Zipf zipf = new Zipf(4, 0);

        assertThat(zipf.probability(0)).isCloseTo(0.25, within(1e-12));
        assertThat(zipf.probability(3)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void rejects_an_empty_range() {
        assertThatThrownBy(() -> new Zipf(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}

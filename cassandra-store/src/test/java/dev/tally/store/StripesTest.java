package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StripesTest {
    @Test
    void an_event_always_lands_in_the_same_stripe() {
        Stripes stripes = new Stripes(8);
        UUID id = UUID.randomUUID();

        assertThat(stripes.stripeOf(id)).isEqualTo(stripes.stripeOf(UUID.fromString(id.toString())));
    }

    @Test
    void random_event_ids_spread_evenly_over_the_stripes() {
        Stripes stripes = new Stripes(8);
        int[] counts = new int[8];
        IntStream.range(0, 80_000).forEach(i -> counts[stripes.stripeOf(UUID.randomUUID())]++);

        // Expected 10,000 each; 5 standard deviations is about 470.
        for (int count : counts) {
            assertThat(count).isBetween(9_400, 10_600);
        }
    }

    @Test
    void the_day_is_the_utc_day() {
        assertThat(Stripes.dayOf(Instant.parse("2026-11-22T23:59:59Z"))).isEqualTo(LocalDate.parse("2026-11-22"));
        assertThat(Stripes.dayOf(Instant.parse("2026-11-23T00:00:00Z"))).isEqualTo(LocalDate.parse("2026-11-23"));
    }
}

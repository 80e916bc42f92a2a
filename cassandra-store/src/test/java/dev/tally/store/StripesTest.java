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

    @Test
    void a_site_with_its_own_count_uses_it_and_every_other_site_the_default() {
        var stripes = Stripes.perSite(8, java.util.Map.of("big.example", 10_000));

        assertThat(stripes.apply("big.example").count()).isEqualTo(10_000);
        assertThat(stripes.apply("small.example").count()).isEqualTo(8);
    }

    @Test
    void a_reader_with_more_stripes_than_the_writer_still_reads_the_writers_stripe() {
        UUID id = UUID.randomUUID();

        assertThat(new Stripes(8).stripeOf(id)).isLessThan((short) 8).isBetween((short) 0, (short) (Stripes.MAX_COUNT - 1));
        assertThat(new Stripes(Stripes.MAX_COUNT).stripeOf(id)).isBetween((short) 0, (short) (Stripes.MAX_COUNT - 1));
    }

    @Test
    void rejects_counts_the_smallint_stripe_column_cannot_hold() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Stripes(Stripes.MAX_COUNT + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

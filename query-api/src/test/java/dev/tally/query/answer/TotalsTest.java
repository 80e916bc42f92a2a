package dev.tally.query.answer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

class TotalsTest {
    private static RollupRow row(long pageviews, Double value, String... visitors) {
        HllSketch sketch = new HllSketch(12, TgtHllType.HLL_4);
        for (String visitor : visitors) {
            sketch.update(visitor);
        }
        return new RollupRow(Instant.EPOCH, "", pageviews, value == null ? 0 : 1, visitors.length == 0 ? new byte[0] : sketch.toCompactByteArray(),
                value == null ? 0 : 1, value == null ? 0 : value, value, value);
    }

    @Test
    void a_visitor_in_two_rows_counts_once_and_counts_add_up() {
        Totals totals = new Totals();
        totals.add(row(3, null, "a", "b"));
        assertThat(totals.visitors()).isEqualTo(2);
        totals.add(row(2, 5.0, "b", "c"));
        totals.add(row(1, -2.5));
        assertThat(totals.visitors()).isEqualTo(3);
        assertThat(totals.pageviews()).isEqualTo(6);
        assertThat(totals.valueSum()).isEqualTo(2.5);
        assertThat(totals.valueMin()).isEqualTo(-2.5);
        assertThat(totals.valueMax()).isEqualTo(5.0);
        assertThat(totals.valueAverage()).isEqualTo(1.25);
        assertThat(totals.rows()).isEqualTo(3);
    }

    @Test
    void rows_without_visitors_or_values_leave_them_empty() {
        Totals totals = new Totals();
        totals.add(row(4, null));
        assertThat(totals.visitors()).isZero();
        assertThat(totals.valueMin()).isNull();
        assertThat(totals.valueAverage()).isNull();
    }
}

package dev.tally.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollupWorkloadTest {
    private static final Instant START = Instant.parse("2026-11-22T10:00:30Z");

    @Test
    void emits_one_record_per_changed_bucket_each_second_with_absolute_counts() {
        RollupWorkload workload = new RollupWorkload(2, 10, START, 1);

        List<Rollup> first = workload.second(0);
        List<Rollup> second = workload.second(1);

        assertThat(workload.events()).isEqualTo(20);
        for (Granularity granularity : Granularity.values()) {
            List<Rollup> totals = second.stream()
                    .filter(r -> r.getDimension().equals("total") && r.getGranularity() == granularity).toList();
            assertThat(totals).hasSize(2).allSatisfy(r -> assertThat(r.getPageviews() + r.getCustomEvents())
                    .as("absolute: both seconds' events of the site").isEqualTo(10));
        }
        assertThat(first).extracting(r -> r.getSiteId() + r.getGranularity() + r.getDimension() + r.getDimensionValue()
                + r.getBucketStart()).doesNotHaveDuplicates();
        assertThat(first).allSatisfy(r -> assertThat(r.getUpdatedAt()).isEqualTo(START.plusSeconds(1)));
    }

    @Test
    void the_zipf_distribution_sums_to_one_and_favours_the_first_values() {
        double[] cdf = RollupWorkload.zipfCdf(200, 1.0);

        assertThat(cdf[cdf.length - 1]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(cdf[0]).isGreaterThan(0.1);
    }
}

package dev.tally.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaOffsetsTest {
    private static final TopicPartition RAW_0 = new TopicPartition("e2e.events.raw", 0);
    private static final TopicPartition RAW_1 = new TopicPartition("e2e.events.raw", 1);
    private static final TopicPartition RAW_2 = new TopicPartition("e2e.events.raw", 2);

    @Test
    void lag_is_end_minus_committed_summed_over_partitions() {
        long lag = KafkaOffsets.lag(Map.of(RAW_0, 1_000L, RAW_1, 2_000L), Map.of(RAW_0, 900L, RAW_1, 2_000L), Map.of());

        assertThat(lag).isEqualTo(100);
    }

    @Test
    void a_partition_the_group_never_committed_counts_from_its_first_offset() {
        long lag = KafkaOffsets.lag(Map.of(RAW_0, 1_000L, RAW_2, 500L), Map.of(RAW_0, 1_000L), Map.of(RAW_0, 0L, RAW_2, 200L));

        assertThat(lag).isEqualTo(300);
    }

    @Test
    void a_committed_offset_past_the_stable_end_is_no_negative_lag() {
        // An open transaction: the group may have committed past the last stable offset read with read_committed.
        assertThat(KafkaOffsets.lag(Map.of(RAW_0, 1_000L), Map.of(RAW_0, 1_002L), Map.of())).isZero();
    }
}

package dev.tally.sink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.sink.pipeline.SourcePosition.SourcePartition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    private static final SourcePartition P0 = new SourcePartition("t", 0);
    private static final SourcePartition P1 = new SourcePartition("t", 1);
    private final OffsetTracker tracker = new OffsetTracker();

    private static SourcePosition at(SourcePartition partition, long offset) {
        return new SourcePosition(partition.topic(), partition.partition(), offset);
    }

    @Test
    void commits_up_to_the_lowest_unacknowledged_offset_when_writes_complete_out_of_order() {
        for (long offset = 10; offset < 15; offset++) {
            tracker.received(at(P0, offset));
        }
        tracker.acknowledged(at(P0, 10));
        tracker.acknowledged(at(P0, 12));
        tracker.acknowledged(at(P0, 14));

        assertThat(tracker.committable()).containsExactly(Map.entry(P0, 11L));

        tracker.acknowledged(at(P0, 11));
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, 13L));
        tracker.acknowledged(at(P0, 13));
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, 15L));
    }

    @Test
    void nothing_is_committable_before_the_first_write_is_acknowledged() {
        tracker.received(at(P0, 0));
        tracker.received(at(P0, 1));

        assertThat(tracker.committable()).containsExactly(Map.entry(P0, 0L));
        tracker.committed(tracker.committable());
        assertThat(tracker.committable()).isEmpty();
    }

    @Test
    void partitions_are_tracked_independently() {
        tracker.received(at(P0, 5));
        tracker.received(at(P1, 7));
        tracker.acknowledged(at(P1, 7));

        assertThat(tracker.committable()).containsOnly(Map.entry(P0, 5L), Map.entry(P1, 8L));
    }

    @Test
    void a_record_that_needs_two_writes_is_stored_only_after_both() {
        tracker.received(at(P0, 3));
        tracker.expectWrites(at(P0, 3), 2);

        tracker.acknowledged(at(P0, 3));
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, 3L));
        tracker.acknowledged(at(P0, 3));
        assertThat(tracker.committable()).containsExactly(Map.entry(P0, 4L));
    }

    @Test
    void a_committed_offset_is_not_offered_again_and_forgotten_partitions_ignore_late_acknowledgements() {
        tracker.received(at(P0, 1));
        tracker.acknowledged(at(P0, 1));
        tracker.committed(tracker.committable());
        assertThat(tracker.committable()).isEmpty();

        tracker.received(at(P1, 1));
        tracker.forget(List.of(P1));
        tracker.acknowledged(at(P1, 1));
        assertThat(tracker.committable()).isEmpty();
        assertThat(tracker.unacknowledged()).isZero();
    }
}

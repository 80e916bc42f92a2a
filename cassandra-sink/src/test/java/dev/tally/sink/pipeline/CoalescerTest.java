package dev.tally.sink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescerTest {
    @Test
    void keeps_the_latest_value_per_key_and_settles_the_records_it_replaced() {
        Coalescer<String, Integer> coalescer = new Coalescer<>();
        coalescer.add("a", 1, new SourcePosition("t", 0, 0));
        coalescer.add("b", 10, new SourcePosition("t", 1, 0));
        coalescer.add("a", 2, new SourcePosition("t", 0, 1));
        coalescer.add("a", 3, new SourcePosition("t", 0, 2));

        assertThat(coalescer.size()).isEqualTo(2);
        assertThat(coalescer.records()).isEqualTo(4);
        assertThat(coalescer.superseded()).containsExactly(new SourcePosition("t", 0, 0), new SourcePosition("t", 0, 1));
        assertThat(coalescer.superseded()).as("each settled once").isEmpty();
        List<Coalescer.Entry<Integer>> entries = coalescer.drain();

        assertThat(entries).containsExactly(new Coalescer.Entry<>(3, new SourcePosition("t", 0, 2)),
                new Coalescer.Entry<>(10, new SourcePosition("t", 1, 0)));
        assertThat(coalescer.isEmpty()).isTrue();
        assertThat(coalescer.records()).isZero();
    }

    @Test
    void a_settled_record_cannot_be_committed_past_while_the_record_that_replaced_it_is_unwritten() {
        OffsetTracker tracker = new OffsetTracker();
        Coalescer<String, Integer> coalescer = new Coalescer<>();
        for (long offset = 0; offset < 3; offset++) {
            SourcePosition position = new SourcePosition("t", 0, offset);
            tracker.received(position);
            coalescer.add("a", (int) offset, position);
        }

        coalescer.superseded().forEach(tracker::acknowledged);

        assertThat(tracker.committable()).containsValue(2L);
        tracker.acknowledged(coalescer.drain().get(0).position());
        assertThat(tracker.committable()).containsValue(3L);
    }
}

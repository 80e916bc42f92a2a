package dev.tally.sink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CoalescerTest {
    @Test
    void keeps_the_latest_value_per_key_and_every_position_it_stands_for() {
        Coalescer<String, Integer> coalescer = new Coalescer<>();
        coalescer.add("a", 1, new SourcePosition("t", 0, 0));
        coalescer.add("b", 10, new SourcePosition("t", 1, 0));
        coalescer.add("a", 2, new SourcePosition("t", 0, 1));
        coalescer.add("a", 3, new SourcePosition("t", 0, 2));

        assertThat(coalescer.size()).isEqualTo(2);
        assertThat(coalescer.records()).isEqualTo(4);
        List<Coalescer.Entry<Integer>> entries = coalescer.drain();

        assertThat(entries).containsExactly(
                new Coalescer.Entry<>(3, List.of(new SourcePosition("t", 0, 0), new SourcePosition("t", 0, 1), new SourcePosition("t", 0, 2))),
                new Coalescer.Entry<>(10, List.of(new SourcePosition("t", 1, 0))));
        assertThat(coalescer.isEmpty()).isTrue();
        assertThat(coalescer.records()).isZero();
    }
}

package dev.tally.sink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WritePipelineTest {
    private final AtomicLong clock = new AtomicLong();
    private final OffsetTracker tracker = new OffsetTracker();
    private final List<String> events = new ArrayList<>();
    private final WritePipeline pipeline = new WritePipeline("test", 2, 2, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
            tracker, new WritePipeline.Listener() {
                @Override
                public void written(WriteUnit unit) {
                    events.add("written " + unit.covers().get(0).offset());
                }

                @Override
                public void retrying(WriteUnit unit, Throwable cause) {
                    events.add("retrying " + unit.covers().get(0).offset());
                }
            }, clock::get);

    /** A write whose attempts the test completes by hand. */
    private final class ManualWrite {
        final List<CompletableFuture<Void>> attempts = new ArrayList<>();
        final WriteUnit unit;

        ManualWrite(long offset) {
            SourcePosition position = new SourcePosition("t", 0, offset);
            tracker.received(position);
            unit = new WriteUnit("raw", List.of(position), 1, () -> {
                CompletableFuture<Void> attempt = new CompletableFuture<>();
                attempts.add(attempt);
                return attempt;
            });
        }
    }

    @Test
    void runs_at_most_max_in_flight_writes_and_reports_congestion_meanwhile() {
        ManualWrite a = new ManualWrite(0);
        ManualWrite b = new ManualWrite(1);
        ManualWrite c = new ManualWrite(2);
        pipeline.submitAll(List.of(a.unit, b.unit, c.unit));

        pipeline.pump();

        assertThat(pipeline.inFlight()).isEqualTo(2);
        assertThat(c.attempts).isEmpty();
        assertThat(pipeline.congested()).isTrue();
        a.attempts.get(0).complete(null);
        pipeline.pump();
        assertThat(c.attempts).hasSize(1);
        assertThat(tracker.committable()).containsExactly(Map.entry(new SourcePosition.SourcePartition("t", 0), 1L));
    }

    @Test
    void a_failed_write_is_retried_after_the_backoff_and_its_offset_waits_for_it() {
        ManualWrite a = new ManualWrite(0);
        ManualWrite b = new ManualWrite(1);
        pipeline.submitAll(List.of(a.unit, b.unit));
        pipeline.pump();

        b.attempts.get(0).complete(null);
        a.attempts.get(0).completeExceptionally(new RuntimeException("timeout"));
        pipeline.pump();

        assertThat(pipeline.failing()).isTrue();
        assertThat(pipeline.congested()).isTrue();
        assertThat(a.attempts).hasSize(1);
        assertThat(tracker.committable()).containsExactly(Map.entry(new SourcePosition.SourcePartition("t", 0), 0L));

        clock.addAndGet(Duration.ofMillis(99).toNanos());
        pipeline.pump();
        assertThat(a.attempts).hasSize(1);
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        pipeline.pump();
        assertThat(a.attempts).hasSize(2);

        a.attempts.get(1).complete(null);
        pipeline.pump();
        assertThat(pipeline.failing()).isFalse();
        assertThat(pipeline.isIdle()).isTrue();
        assertThat(tracker.committable()).containsExactly(Map.entry(new SourcePosition.SourcePartition("t", 0), 2L));
        assertThat(events).containsExactly("written 1", "retrying 0", "written 0");
    }

    @Test
    void while_writes_fail_only_one_probe_runs_at_a_time_and_the_wait_grows() {
        ManualWrite a = new ManualWrite(0);
        ManualWrite b = new ManualWrite(1);
        pipeline.submitAll(List.of(a.unit, b.unit));
        pipeline.pump();
        a.attempts.get(0).completeExceptionally(new RuntimeException("unavailable"));
        b.attempts.get(0).completeExceptionally(new RuntimeException("unavailable"));
        pipeline.pump();

        clock.addAndGet(Duration.ofMillis(100).toNanos());
        pipeline.pump();
        assertThat(pipeline.inFlight()).isEqualTo(1);
        assertThat(a.attempts.size() + b.attempts.size()).isEqualTo(3);

        (a.attempts.size() == 2 ? a : b).attempts.get(1).completeExceptionally(new RuntimeException("unavailable"));
        pipeline.pump();
        clock.addAndGet(Duration.ofMillis(150).toNanos());
        pipeline.pump();
        assertThat(pipeline.inFlight()).as("the second wait is 200 ms, not 100 ms").isZero();
        clock.addAndGet(Duration.ofMillis(50).toNanos());
        pipeline.pump();
        assertThat(pipeline.inFlight()).isEqualTo(1);
    }

    @Test
    void an_attempt_that_throws_instead_of_returning_a_future_is_retried_too() {
        SourcePosition position = new SourcePosition("t", 0, 0);
        tracker.received(position);
        List<Integer> calls = new ArrayList<>();
        pipeline.submitAll(List.of(new WriteUnit("raw", List.of(position), 1, () -> {
            calls.add(1);
            if (calls.size() == 1) {
                throw new IllegalStateException("no session");
            }
            return CompletableFuture.completedFuture(null);
        })));

        pipeline.pump();
        pipeline.pump();
        clock.addAndGet(Duration.ofMillis(100).toNanos());
        pipeline.pump();
        pipeline.pump();

        assertThat(calls).hasSize(2);
        assertThat(pipeline.isIdle()).isTrue();
        assertThat(tracker.committable()).containsValue(1L);
    }

    @Test
    void a_record_in_two_writes_counts_as_stored_once_both_succeeded() {
        SourcePosition position = new SourcePosition("t", 0, 0);
        tracker.received(position);
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        pipeline.submitAll(List.of(new WriteUnit("first_table", List.of(position), 1, () -> first),
                new WriteUnit("second_table", List.of(position), 1, () -> second)));
        pipeline.pump();

        first.complete(null);
        pipeline.pump();
        assertThat(tracker.committable()).containsValue(0L);
        second.complete(null);
        pipeline.pump();
        assertThat(tracker.committable()).containsValue(1L);
    }
}

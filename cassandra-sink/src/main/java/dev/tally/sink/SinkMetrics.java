package dev.tally.sink;

import dev.tally.sink.pipeline.WritePipeline;
import dev.tally.sink.pipeline.WriteUnit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The sink's meters. Writes are counted per kind: {@code raw_events}, {@code rollup_minutes},
 * {@code rollup_hours}, {@code rollup_days} (Cassandra requests, each one statement or one
 * single-partition batch) and
 * {@code dead_letter} (records sent to the dead-letter topic).
 */
public final class SinkMetrics {
    private final MeterRegistry registry;
    private final Counter rawExpired;
    private final Counter rollupTombstones;

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.rawExpired = Counter.builder("tally_sink_raw_expired")
                .description("Raw events not written because they were already older than their site's retention")
                .register(registry);
        this.rollupTombstones = Counter.builder("tally_sink_rollup_tombstones")
                .description("Rollup records without a value (compaction tombstones), nothing to write")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void rawExpired() {
        rawExpired.increment();
    }

    public void rollupTombstone() {
        rollupTombstones.increment();
    }

    public void consumed(String consumer, int records) {
        Counter.builder("tally_sink_records_consumed").description("Records read from Kafka")
                .tag("consumer", consumer).register(registry).increment(records);
    }

    public void deadLettered(String topic, String reason) {
        Counter.builder("tally_sink_dead_letters").description("Records sent to the dead-letter topic because they cannot be stored")
                .tag("topic", topic).register(registry).increment();
    }

    /** Counts what a pipeline wrote and retried. */
    public WritePipeline.Listener writeListener() {
        return new WritePipeline.Listener() {
            @Override
            public void written(WriteUnit unit) {
                Counter.builder("tally_sink_writes").description("Writes acknowledged: Cassandra requests, or dead letters")
                        .tag("kind", unit.kind()).register(registry).increment();
                Counter.builder("tally_sink_rows_written").description("Rows (or dead letters) acknowledged")
                        .tag("kind", unit.kind()).register(registry).increment(unit.rows());
            }

            @Override
            public void retrying(WriteUnit unit, Throwable cause) {
                Counter.builder("tally_sink_write_retries").description("Failed write attempts, each retried after a backoff")
                        .tag("kind", unit.kind()).register(registry).increment();
            }
        };
    }
}

package dev.tally.sink.kafka;

import dev.tally.schemas.DeadLetterHeaders;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.store.RawEventTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the raw events topic and writes each event to {@code raw_events}.
 *
 * <p>In: {@code <ns>.events.raw} (key: site:visitor text, value: single-object Avro {@code TrackedEvent}).
 * Out: Cassandra rows, and records that cannot be decoded to the dead-letter topic with the reason
 * and the source position in {@link DeadLetterHeaders}.
 *
 * <p>Offsets are committed only after every write of the polled batch was acknowledged by Cassandra
 * and every dead letter by Kafka. Failed writes are retried with backoff until they succeed (the
 * consumer stays in its group meanwhile); a crash before the commit replays the batch, which
 * rewrites the same rows (upserts keyed by event id), so nothing is lost or doubled.
 */
public final class RawEventConsumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RawEventConsumer.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetters;
    private final String topic;
    private final String deadLetterTopic;
    private final Deserializer<TrackedEvent> decoder;
    private final RawEventTable table;
    private final Counter rowsWritten;
    private final Counter writeRetries;
    private final Counter deadLettered;
    private final Timer batchLatency;
    private volatile boolean stopping;
    private volatile boolean running;

    public RawEventConsumer(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> deadLetters, String topic,
                            String deadLetterTopic, Deserializer<TrackedEvent> decoder, RawEventTable table,
                            MeterRegistry registry) {
        this.consumer = consumer;
        this.deadLetters = deadLetters;
        this.topic = topic;
        this.deadLetterTopic = deadLetterTopic;
        this.decoder = decoder;
        this.table = table;
        this.rowsWritten = Counter.builder("tally_sink_raw_rows_written").description("Raw event rows acknowledged by Cassandra").register(registry);
        this.writeRetries = Counter.builder("tally_sink_write_retries").description("Cassandra writes retried after a failure").register(registry);
        this.deadLettered = Counter.builder("tally_sink_dead_letters").description("Records sent to the dead-letter topic").register(registry);
        this.batchLatency = Timer.builder("tally_sink_batch_write_latency").description("Time to write and acknowledge one polled batch").register(registry);
    }

    @Override
    public void run() {
        running = true;
        try {
            consumer.subscribe(List.of(topic));
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    long started = System.nanoTime();
                    if (!writeAll(records)) {
                        return; // stopping before the batch was stored: leave its offsets uncommitted
                    }
                    commit(records);
                    batchLatency.record(Duration.ofNanos(System.nanoTime() - started));
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("Raw events sink stopped on an unexpected error; restart the sink (uncommitted events will be replayed)", e);
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Writes the batch; true once everything is acknowledged, false if asked to stop first. */
    private boolean writeAll(ConsumerRecords<byte[], byte[]> records) {
        List<TrackedEvent> events = new ArrayList<>(records.count());
        List<Future<RecordMetadata>> deadLetterAcks = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                events.add(decoder.deserialize(record.topic(), record.value()));
            } catch (RuntimeException e) {
                deadLetterAcks.add(sendToDeadLetters(record, e));
            }
        }
        long backoff = 100;
        List<TrackedEvent> pending = events;
        while (!pending.isEmpty()) {
            pending = writeOnce(pending);
            if (pending.isEmpty() || stopping) {
                break;
            }
            writeRetries.increment(pending.size());
            LOG.warn("{} raw event write(s) failed; retrying in {} ms. Check that Cassandra is up and reachable.", pending.size(), backoff);
            waitKeepingGroupMembership(records, backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
        if (!pending.isEmpty()) {
            return false;
        }
        for (Future<RecordMetadata> ack : deadLetterAcks) {
            awaitDeadLetter(ack);
        }
        return true;
    }

    /** Writes concurrently (bounded by the poll size) and returns the events whose write failed. */
    private List<TrackedEvent> writeOnce(List<TrackedEvent> events) {
        List<CompletableFuture<?>> writes = new ArrayList<>(events.size());
        for (TrackedEvent event : events) {
            writes.add(table.insert(event).toCompletableFuture());
        }
        List<TrackedEvent> failed = new ArrayList<>();
        for (int i = 0; i < writes.size(); i++) {
            try {
                writes.get(i).join();
                rowsWritten.increment();
            } catch (RuntimeException e) {
                failed.add(events.get(i));
            }
        }
        return failed;
    }

    /** Sleeps while polling paused partitions, so a long Cassandra outage does not cost the group membership. */
    private void waitKeepingGroupMembership(ConsumerRecords<byte[], byte[]> records, long millis) {
        consumer.pause(records.partitions());
        long deadline = System.currentTimeMillis() + millis;
        while (!stopping && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(Math.min(100, Math.max(1, deadline - System.currentTimeMillis()))));
        }
        consumer.resume(records.partitions());
    }

    private Future<RecordMetadata> sendToDeadLetters(ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
        deadLettered.increment();
        String reason = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        LOG.warn("Undecodable record at {}-{}@{} sent to {}: {}", record.topic(), record.partition(), record.offset(), deadLetterTopic, reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterHeaders.REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.SOURCE_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.SOURCE_OFFSET, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetterHeaders.REJECTED_BY, "cassandra-sink".getBytes(StandardCharsets.UTF_8));
        return deadLetters.send(new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(), headers));
    }

    private void awaitDeadLetter(Future<RecordMetadata> ack) {
        try {
            ack.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a dead letter to be stored", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("A dead letter could not be stored in Kafka; the batch will be replayed", e.getCause());
        }
    }

    private void commit(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> ofPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(ofPartition.get(ofPartition.size() - 1).offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException e) {
            // The partitions moved to another instance, which replays from the last commit: rows are upserts.
            LOG.info("Offsets not committed after a rebalance; the new owner replays those events idempotently");
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** Asks the loop to stop; a batch not yet fully written stays uncommitted. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }
}

package dev.tally.sink.kafka;

import dev.tally.sink.SinkMetrics;
import dev.tally.sink.pipeline.OffsetTracker;
import dev.tally.sink.pipeline.RecordHandler;
import dev.tally.sink.pipeline.RecordHandler.RejectedRecordException;
import dev.tally.sink.pipeline.SourcePosition;
import dev.tally.sink.pipeline.SourcePosition.SourcePartition;
import dev.tally.sink.pipeline.WritePipeline;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer loop of the sink: polls its topics, hands every record to its {@link RecordHandler},
 * sends the writes it returns through a {@link WritePipeline}, and commits, per partition, the lowest
 * offset whose write is not yet acknowledged ({@link OffsetTracker}). Records that cannot be stored go
 * to the dead-letter topic ({@link DeadLetters}).
 *
 * <p>While the pipeline is congested (writes failing, or more in flight than allowed) the assigned
 * partitions are paused: the loop keeps polling, so the consumer stays in its group, but fetches
 * nothing until writes catch up. On a rebalance it waits (up to {@code revokeWait}) for writes in flight
 * and commits what is stored; a new owner replays the rest, which rewrites the same rows.
 */
public final class SinkConsumer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration REVOKE_WAIT = Duration.ofSeconds(10);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final String name;
    private final Consumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final RecordHandler handler;
    private final DeadLetters deadLetters;
    private final WritePipeline pipeline;
    private final OffsetTracker tracker;
    private final long commitIntervalNanos;
    private final SinkMetrics metrics;
    private long lastCommitNanos;
    private boolean paused;
    private volatile boolean stopping;
    private volatile boolean running;

    public SinkConsumer(String name, Consumer<byte[], byte[]> consumer, List<String> topics, RecordHandler handler,
                        DeadLetters deadLetters, WritePipeline pipeline, OffsetTracker tracker, Duration commitInterval,
                        SinkMetrics metrics) {
        this.name = name;
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.pipeline = pipeline;
        this.tracker = tracker;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.metrics = metrics;
    }

    @Override
    public void run() {
        running = true;
        try {
            consumer.subscribe(topics, new Rebalance());
            while (!stopping) {
                step();
            }
        } catch (WakeupException e) {
            if (!stopping) {
                LOG.error("{}: unexpected wake-up; the sink stops consuming. Restart it (nothing committed is lost).", name, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{}: stopped on an unexpected error; restart the sink (records not yet stored are replayed)", name, e);
        } finally {
            running = false;
            finish();
        }
    }

    private void step() throws InterruptedException {
        pipeline.pump();
        if (pipeline.congested()) {
            pipeline.awaitProgress(POLL);
        }
        boolean congested = pipeline.congested();
        pauseOrResume(congested);
        ConsumerRecords<byte[], byte[]> records = consumer.poll(congested ? Duration.ZERO : POLL);
        if (!records.isEmpty()) {
            metrics.consumed(name, records.count());
        }
        for (ConsumerRecord<byte[], byte[]> record : records) {
            SourcePosition position = new SourcePosition(record.topic(), record.partition(), record.offset());
            tracker.received(position);
            try {
                if (!handler.accept(record.key(), record.value(), position)) {
                    tracker.acknowledged(position);
                }
            } catch (RejectedRecordException e) {
                pipeline.submitAll(List.of(deadLetters.unit(record, e.getMessage(), position)));
            }
        }
        for (SourcePosition settled : handler.superseded()) {
            tracker.acknowledged(settled);
        }
        pipeline.submitAll(handler.ready(System.nanoTime()));
        pipeline.pump();
        if (System.nanoTime() - lastCommitNanos >= commitIntervalNanos) {
            commit();
        }
    }

    private void pauseOrResume(boolean congested) {
        if (congested && !paused) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (!congested && paused) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    private void commit() {
        lastCommitNanos = System.nanoTime();
        Map<SourcePartition, Long> committable = tracker.committable();
        if (committable.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        committable.forEach((partition, offset) ->
                offsets.put(new TopicPartition(partition.topic(), partition.partition()), new OffsetAndMetadata(offset)));
        try {
            consumer.commitSync(offsets);
            tracker.committed(committable);
        } catch (CommitFailedException e) {
            LOG.info("{}: offsets not committed because the group rebalanced; the new owner replays those records idempotently", name);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            LOG.warn("{}: committing offsets failed ({}); will try again. Check that Kafka is reachable.", name, e.toString());
        }
    }

    private void finish() {
        try {
            if (!pipeline.awaitIdle(CLOSE_WAIT)) {
                LOG.info("{}: stopping with {} write(s) not acknowledged; their records are replayed at the next start",
                        name, pipeline.inFlight() + pipeline.queued());
            }
            commit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("{}: final commit failed ({}); uncommitted records are replayed at the next start", name, e.toString());
        }
        try {
            consumer.close(CloseOptions.timeout(CLOSE_WAIT));
        } catch (RuntimeException e) {
            LOG.debug("{}: closing the consumer failed: {}", name, e.toString());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            try {
                pipeline.awaitIdle(REVOKE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            commit();
            tracker.forget(sources(partitions));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            tracker.forget(sources(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused && !partitions.isEmpty()) {
                consumer.pause(partitions);
            }
            LOG.info("{}: assigned {}", name, partitions);
        }

        private List<SourcePartition> sources(Collection<TopicPartition> partitions) {
            return partitions.stream().map(p -> new SourcePartition(p.topic(), p.partition())).toList();
        }
    }

    public String name() {
        return name;
    }

    public boolean isRunning() {
        return running;
    }

    /**
     * Asks the loop to stop; it notices within one poll (100 ms). Records whose writes are not
     * acknowledged stay uncommitted. (No {@code wakeup()}: it would also abort the final commit.)
     */
    public void stop() {
        stopping = true;
    }
}

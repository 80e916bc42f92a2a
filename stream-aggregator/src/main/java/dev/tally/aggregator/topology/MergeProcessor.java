package dev.tally.aggregator.topology;

import dev.tally.aggregator.rollup.RollupMerger;
import dev.tally.aggregator.rollup.RollupRecords;
import dev.tally.aggregator.rollup.SitePartial;
import dev.tally.aggregator.rollup.SourceWatermarks;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge step, in the task that owns a site (partials are repartitioned by site). In: encoded
 * {@link SitePartial}s and heartbeats. Out: rollup records of every tier, keyed by {@link RollupKey}; the
 * topology routes each to the topic of its granularity. Arithmetic and state handling: {@link RollupMerger};
 * when buckets may close: {@link SourceWatermarks}, fed by the heartbeats.
 *
 * <p>Exactly-once: the merger holds the values changed since its last checkpoint in memory, so every
 * partial is first written ahead as it arrived ({@link WriteAheadRing}, in the same transaction as its
 * input offset), and marked applied at each checkpoint. Open minutes are published every publish interval;
 * every {@link #PUBLISHES_PER_CHECKPOINT} of them buckets close and a checkpoint follows (so closing never
 * depends on replay); a checkpoint also runs when the ring is full. After a crash the restored store holds
 * the state of the last checkpoint and the ring the partials since, which are merged again.
 */
final class MergeProcessor implements Processor<String, byte[], RollupKey, Rollup> {
    private static final Logger LOG = LoggerFactory.getLogger(MergeProcessor.class);
    /**
     * Partials a merge task may take between two checkpoints: about a second of even traffic over many
     * sites at the rates one task handles, and each slot costs its partial's bytes of memory (hundreds).
     */
    static final int JOURNAL_CAPACITY = 16_384;
    /**
     * Publishes of open minutes per store checkpoint. A value that changes every second (a busy site's
     * open minute) then costs one store read and write, with its sketch encoded, per five seconds rather
     * than per second; the journal replays at most those seconds' partials after a crash.
     */
    static final int PUBLISHES_PER_CHECKPOINT = 5;

    private final String bucketStoreName;
    private final String journalStoreName;
    private final Duration grace;
    private final Duration publishInterval;
    private final Duration sourceIdleAfter;
    private final int inputPartitions;
    private final Clock clock;
    private final RollupCounters counters;

    private ProcessorContext<RollupKey, Rollup> context;
    private RollupMerger merger;
    private WriteAheadRing journal;
    private SourceWatermarks watermarks;
    private RollupRecords.Sink sink;
    /** Publish intervals since this task started; closing runs on every PUBLISHES_PER_CHECKPOINT-th. */
    private long publishes;

    MergeProcessor(String bucketStoreName, String journalStoreName, Duration grace, Duration publishInterval,
                   Duration sourceIdleAfter, int inputPartitions, Clock clock, RollupCounters counters) {
        this.bucketStoreName = bucketStoreName;
        this.journalStoreName = journalStoreName;
        this.grace = grace;
        this.publishInterval = publishInterval;
        this.sourceIdleAfter = sourceIdleAfter;
        this.inputPartitions = inputPartitions;
        this.clock = clock;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<RollupKey, Rollup> context) {
        this.context = context;
        StoreBackedBuckets store = new StoreBackedBuckets(context.getStateStore(bucketStoreName));
        // init() runs again on this instance when Kafka Streams revives the task after aborting its
        // transaction: the merger's memory is rebuilt from the restored stores, never kept.
        this.merger = new RollupMerger(store, grace.toMillis(), counters::lateEvents);
        this.journal = new WriteAheadRing(context.getStateStore(journalStoreName), JOURNAL_CAPACITY);
        this.publishes = 0;
        List<byte[]> replayed = journal.takeUnapplied();
        replayed.forEach(partial -> merger.accept(SitePartial.fromBytes(partial)));
        // Task wall-clock time (not the Clock): it is what TopologyTestDriver's advanceWallClockTime moves.
        this.watermarks = new SourceWatermarks(store, inputPartitions, sourceIdleAfter.toMillis(), context.currentSystemTimeMs());
        LOG.info("Merge task {}: buckets closed up to {}, input partitions' stream times {}, {} partials merged again from the journal",
                context.taskId(), store.closedAt() == Long.MIN_VALUE ? "nothing yet" : Instant.ofEpochMilli(store.closedAt()),
                store.sourceStreamTimes(), replayed.size());
        this.sink = (key, value) -> context.forward(new Record<>(key, value, Math.max(0, context.currentStreamTimeMs())));
        context.schedule(publishInterval, PunctuationType.WALL_CLOCK_TIME, now -> publish());
    }

    @Override
    public void process(Record<String, byte[]> record) {
        byte[] encoded = record.value();
        SitePartial partial = SitePartial.fromBytes(encoded);
        if (!partial.isHeartbeat()) {
            if (journal.isFull()) {
                checkpoint();
            }
            journal.append(encoded);
            merger.accept(partial);
            return;
        }
        watermarks.record(partial.progress(), context.currentSystemTimeMs());
    }

    /**
     * Every publish interval: open minutes' changes out. Every {@link #PUBLISHES_PER_CHECKPOINT}-th: what may
     * close closes, then the checkpoint. Closing only there delays a final record by at most that many
     * seconds (it waits ten minutes' grace anyway) and lets one checkpoint and one update of each hour
     * value cover every minute that closed in between: several while catching up on a backlog. The count
     * ignores the checkpoints a full journal forces, so busy traffic that fills it every few seconds never
     * postpones closing.
     */
    private void publish() {
        if (++publishes % PUBLISHES_PER_CHECKPOINT != 0) {
            merger.publishOpen(clock.instant(), sink);
            return;
        }
        watermarks.closableUpTo(context.currentSystemTimeMs()).ifPresent(streamTime -> merger.closeUpTo(streamTime, clock.instant(), sink));
        checkpoint();
    }

    private void checkpoint() {
        merger.checkpoint(clock.instant(), sink);
        journal.markApplied();
    }
}

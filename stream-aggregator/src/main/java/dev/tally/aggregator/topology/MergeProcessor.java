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
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merge step, in the task that owns a site (partials are repartitioned by site). In:
 * {@link SitePartial}s and heartbeats. Out: rollup records of every tier, keyed by {@link RollupKey}; the
 * topology routes each to the topic of its granularity. Arithmetic and state handling: {@link RollupMerger};
 * when buckets may close: {@link SourceWatermarks}, fed by the heartbeats.
 */
final class MergeProcessor implements Processor<String, SitePartial, RollupKey, Rollup> {
    private static final Logger LOG = LoggerFactory.getLogger(MergeProcessor.class);

    private final String bucketStoreName;
    private final String changedStoreName;
    private final Duration grace;
    private final Duration publishInterval;
    private final Duration sourceIdleAfter;
    private final Clock clock;
    private final RollupCounters counters;

    private ProcessorContext<RollupKey, Rollup> context;
    private RollupMerger merger;
    private SourceWatermarks watermarks;
    private RollupRecords.Sink sink;

    MergeProcessor(String bucketStoreName, String changedStoreName, Duration grace, Duration publishInterval,
                   Duration sourceIdleAfter, Clock clock, RollupCounters counters) {
        this.bucketStoreName = bucketStoreName;
        this.changedStoreName = changedStoreName;
        this.grace = grace;
        this.publishInterval = publishInterval;
        this.sourceIdleAfter = sourceIdleAfter;
        this.clock = clock;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<RollupKey, Rollup> context) {
        this.context = context;
        StoreBackedBuckets store = new StoreBackedBuckets(context.getStateStore(bucketStoreName), context.getStateStore(changedStoreName));
        this.merger = new RollupMerger(store, grace.toMillis(), counters::lateEvents);
        // Task wall-clock time (not the Clock): it is what TopologyTestDriver's advanceWallClockTime moves.
        this.watermarks = new SourceWatermarks(store, sourceIdleAfter.toMillis(), context.currentSystemTimeMs());
        LOG.info("Merge task {}: buckets closed up to {}, input partitions' stream times {}", context.taskId(),
                store.closedAt() == Long.MIN_VALUE ? "nothing yet" : Instant.ofEpochMilli(store.closedAt()),
                store.sourceStreamTimes());
        this.sink = (key, value) -> context.forward(new Record<>(key, value, Math.max(0, context.currentStreamTimeMs())));
        context.schedule(publishInterval, PunctuationType.WALL_CLOCK_TIME, now -> merger.publishChanged(clock.instant(), sink));
    }

    @Override
    public void process(Record<String, SitePartial> record) {
        SitePartial partial = record.value();
        if (!partial.isHeartbeat()) {
            merger.accept(partial);
            return;
        }
        long now = context.currentSystemTimeMs();
        watermarks.record(partial.progress(), now);
        watermarks.closableUpTo(now).ifPresent(streamTime -> merger.closeUpTo(streamTime, clock.instant(), sink));
    }
}

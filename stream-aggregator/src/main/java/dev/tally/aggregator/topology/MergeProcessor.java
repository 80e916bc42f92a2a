package dev.tally.aggregator.topology;

import dev.tally.aggregator.rollup.RollupMerger;
import dev.tally.aggregator.rollup.RollupRecords;
import dev.tally.aggregator.rollup.SitePartial;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The merge step, in the task that owns a site (partials are repartitioned by site). In:
 * {@link SitePartial}s. Out: rollup records of every tier, keyed by {@link RollupKey}; the topology
 * routes each to the topic of its granularity. Arithmetic and state handling: {@link RollupMerger}.
 */
final class MergeProcessor implements Processor<String, SitePartial, RollupKey, Rollup> {
    private final String bucketStoreName;
    private final String changedStoreName;
    private final Duration grace;
    private final Duration publishInterval;
    private final Clock clock;
    private final RollupCounters counters;

    private ProcessorContext<RollupKey, Rollup> context;
    private RollupMerger merger;
    private RollupRecords.Sink sink;

    MergeProcessor(String bucketStoreName, String changedStoreName, Duration grace, Duration publishInterval,
                   Clock clock, RollupCounters counters) {
        this.bucketStoreName = bucketStoreName;
        this.changedStoreName = changedStoreName;
        this.grace = grace;
        this.publishInterval = publishInterval;
        this.clock = clock;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<RollupKey, Rollup> context) {
        this.context = context;
        this.merger = new RollupMerger(
                new StoreBackedBuckets(context.getStateStore(bucketStoreName), context.getStateStore(changedStoreName)),
                grace.toMillis(), counters::lateEvents);
        this.sink = (key, value) -> context.forward(new Record<>(key, value, Math.max(0, context.currentStreamTimeMs())));
        context.schedule(publishInterval, PunctuationType.WALL_CLOCK_TIME, now -> merger.publishChanged(clock.instant(), sink));
    }

    @Override
    public void process(Record<String, SitePartial> record) {
        merger.accept(record.value());
        // The partials' own timestamps, not the task's stream time: they are what guarantees that no
        // minute closes before its partials arrived (see PreAggregateProcessor), whatever else shares the task.
        merger.closeUpTo(record.timestamp(), clock.instant(), sink);
    }
}

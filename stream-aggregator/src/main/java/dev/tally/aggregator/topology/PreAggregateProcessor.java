package dev.tally.aggregator.topology;

import dev.tally.aggregator.rollup.Buckets;
import dev.tally.aggregator.rollup.Codec;
import dev.tally.aggregator.rollup.PartialBuffer;
import dev.tally.aggregator.rollup.RollupInput;
import dev.tally.aggregator.rollup.SitePartial;
import dev.tally.aggregator.rollup.SourceProgress;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Granularity;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Pre-aggregation, in the task that reads an input partition. In: enriched events (key site|visitor).
 * Out: one {@link SitePartial} per (site, minute) per drain, keyed by site, then a heartbeat to every
 * merge partition with this partition's {@link SourceProgress}. A site with most of the traffic is thus
 * summed in every partition in parallel, and the merge step receives a few partials per second instead of
 * every event.
 *
 * <p>Bots and events whose minute has already closed (end + grace at or before this partition's stream
 * time) are counted and left out. Accepted events are summed in memory and drained once per commit
 * interval; the heartbeat goes out at every drain, with or without events, so the merge step can tell a
 * quiet partition from a lagging one.
 *
 * <p>Exactly-once: a commit must never cover an input offset whose effect is only in memory. So every
 * accepted event is also written ahead ({@link WriteAheadRing}) in the same transaction, and each drain
 * marks what it covered. After a crash the events not yet drained are summed again. The ring holds
 * {@code capacity} events; when full, the buffer is drained early. Partials go out encoded
 * ({@link SitePartial#toBytes}): the merge step writes those bytes ahead as they are.
 *
 * <p>Without pre-aggregation ({@code preAggregate} false, for benchmarks only) each accepted event goes on
 * at once as a partial of its own, so nothing waits in memory and nothing is written ahead.
 */
final class PreAggregateProcessor implements Processor<String, EnrichedEvent, String, byte[]> {
    private final String storeName;
    private final long graceMs;
    private final Duration drainInterval;
    private final int capacity;
    private final boolean preAggregate;
    private final RollupCounters counters;
    private PartialBuffer buffer;

    private ProcessorContext<String, byte[]> context;
    private WriteAheadRing writeAhead;
    private boolean readSinceDrain;

    PreAggregateProcessor(String storeName, Duration grace, Duration drainInterval, int capacity, boolean preAggregate,
                          RollupCounters counters) {
        this.storeName = storeName;
        this.graceMs = grace.toMillis();
        this.drainInterval = drainInterval;
        this.capacity = capacity;
        this.preAggregate = preAggregate;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        // init() runs again on this instance when Kafka Streams revives the task after aborting its
        // transaction: whatever memory held then is rebuilt from the restored store, never kept.
        this.writeAhead = new WriteAheadRing(context.getStateStore(storeName), capacity);
        this.buffer = new PartialBuffer();
        this.readSinceDrain = false;
        writeAhead.takeUnapplied().forEach(input -> buffer.add(Codec.decode(input, RollupInput::readFrom)));
        context.schedule(drainInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
            drain();
            heartbeat();
        });
    }

    @Override
    public void process(Record<String, EnrichedEvent> record) {
        EnrichedEvent event = record.value();
        readSinceDrain = true;
        if (event.getBot()) {
            counters.botEvents(1);
            return;
        }
        long minute = Buckets.start(Granularity.MINUTE, record.timestamp());
        if (Buckets.isClosed(Granularity.MINUTE, minute, graceMs, context.currentStreamTimeMs())) {
            counters.lateEvents(1);
            return;
        }
        RollupInput input = RollupInput.of(event, record.timestamp());
        if (!preAggregate) {
            SitePartial alone = SitePartial.ofEvents(input.siteId(), minute, List.of(input));
            context.forward(new Record<>(input.siteId(), alone.toBytes(), Math.max(0, context.currentStreamTimeMs())));
            return;
        }
        if (writeAhead.isFull()) {
            drain();
        }
        writeAhead.append(Codec.encode(input::writeTo));
        buffer.add(input);
    }

    private void drain() {
        if (buffer.events() == 0) {
            return;
        }
        long stamp = Math.max(0, context.currentStreamTimeMs());
        for (SitePartial partial : buffer.drain()) {
            context.forward(new Record<>(partial.siteId(), partial.toBytes(), stamp));
        }
        writeAhead.markApplied();
    }

    /** After the drain's partials (same producer, so they reach every merge partition first). */
    private void heartbeat() {
        SourceProgress progress = new SourceProgress(context.taskId().partition(), context.currentStreamTimeMs(), readSinceDrain);
        context.forward(new Record<>("", SitePartial.heartbeat(progress).toBytes(), Math.max(0, context.currentStreamTimeMs())));
        readSinceDrain = false;
    }
}

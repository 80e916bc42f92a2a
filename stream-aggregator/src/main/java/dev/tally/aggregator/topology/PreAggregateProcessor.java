package dev.tally.aggregator.topology;

import dev.tally.aggregator.rollup.Buckets;
import dev.tally.aggregator.rollup.Codec;
import dev.tally.aggregator.rollup.PartialBuffer;
import dev.tally.aggregator.rollup.RollupInput;
import dev.tally.aggregator.rollup.SitePartial;
import dev.tally.aggregator.rollup.SourceProgress;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Granularity;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

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
 * accepted event is also written to a changelogged ring buffer (the write-ahead store) in the same
 * transaction, and each drain records the last sequence number it covered. After a crash the store is
 * restored from its changelog and the events not yet drained are summed again. The ring holds
 * {@code capacity} events; when full, the buffer is drained early.
 */
final class PreAggregateProcessor implements Processor<String, EnrichedEvent, String, SitePartial> {
    private static final long DRAINED_THROUGH_KEY = -1L;

    private final String storeName;
    private final long graceMs;
    private final Duration drainInterval;
    private final int capacity;
    private final RollupCounters counters;
    private PartialBuffer buffer;

    private ProcessorContext<String, SitePartial> context;
    private KeyValueStore<Long, byte[]> writeAhead;
    private long nextSeq;
    private long drainedThrough;
    private boolean readSinceDrain;

    PreAggregateProcessor(String storeName, Duration grace, Duration drainInterval, int capacity, RollupCounters counters) {
        this.storeName = storeName;
        this.graceMs = grace.toMillis();
        this.drainInterval = drainInterval;
        this.capacity = capacity;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, SitePartial> context) {
        this.context = context;
        this.writeAhead = context.getStateStore(storeName);
        // init() runs again on this instance when Kafka Streams revives the task after aborting its
        // transaction: whatever memory held then is rebuilt from the restored store, never kept.
        this.buffer = new PartialBuffer();
        this.readSinceDrain = false;
        recover();
        context.schedule(drainInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
            drain();
            heartbeat();
        });
    }

    /** Re-sums what the restored write-ahead store holds beyond the last drain. */
    private void recover() {
        byte[] marker = writeAhead.get(DRAINED_THROUGH_KEY);
        drainedThrough = marker == null ? -1 : ByteBuffer.wrap(marker).getLong();
        nextSeq = drainedThrough + 1;
        try (KeyValueIterator<Long, byte[]> slots = writeAhead.all()) {
            slots.forEachRemaining(slot -> {
                if (slot.key == DRAINED_THROUGH_KEY) {
                    return;
                }
                ByteBuffer entry = ByteBuffer.wrap(slot.value);
                long seq = entry.getLong();
                if (seq > drainedThrough) {
                    byte[] input = new byte[entry.remaining()];
                    entry.get(input);
                    buffer.add(Codec.decode(input, RollupInput::readFrom));
                    nextSeq = Math.max(nextSeq, seq + 1);
                }
            });
        }
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
        if (nextSeq - drainedThrough > capacity) {
            drain();
        }
        RollupInput input = RollupInput.of(event, record.timestamp());
        byte[] encoded = Codec.encode(input::writeTo);
        writeAhead.put(nextSeq % capacity, ByteBuffer.allocate(Long.BYTES + encoded.length).putLong(nextSeq).put(encoded).array());
        buffer.add(input);
        nextSeq++;
    }

    private void drain() {
        if (buffer.events() == 0) {
            return;
        }
        long stamp = Math.max(0, context.currentStreamTimeMs());
        for (SitePartial partial : buffer.drain()) {
            context.forward(new Record<>(partial.siteId(), partial, stamp));
        }
        drainedThrough = nextSeq - 1;
        writeAhead.put(DRAINED_THROUGH_KEY, ByteBuffer.allocate(Long.BYTES).putLong(drainedThrough).array());
    }

    /** After the drain's partials (same producer, so they reach every merge partition first). */
    private void heartbeat() {
        SourceProgress progress = new SourceProgress(context.taskId().partition(), context.currentStreamTimeMs(), readSinceDrain);
        context.forward(new Record<>("", SitePartial.heartbeat(progress), Math.max(0, context.currentStreamTimeMs())));
        readSinceDrain = false;
    }
}

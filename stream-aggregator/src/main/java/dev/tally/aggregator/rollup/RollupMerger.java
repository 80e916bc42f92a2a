package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The merge step: sums the partials of every input partition into one site's minute, publishes open
 * minutes' changes, and closes buckets once stream time passes their end plus the grace period.
 *
 * <p>Tiers agree by construction: an hour is never fed events directly, only the final state of each
 * of its minutes as that minute closes, and a day only the final state of each of its hours as that hour
 * closes. So every closed hour is exactly the merge of its closed minutes, and a day of its hours (same
 * register-wise sketch union, same sums). A partial that arrives for an already closed minute is dropped
 * from every tier and counted as late.
 *
 * <p>State: the values changed since the last {@link #checkpoint} are held in memory, read from the
 * {@link BucketStore} on their first change, and written back at the checkpoint. A busy minute thus costs
 * one store read and one store write per value and checkpoint, however many partials it took in between;
 * the caller keeps what arrived since the last checkpoint durable some other way (the merge processor's
 * journal) and checkpoints after every close, so closing never leaves state only in memory. Publishing
 * open minutes ({@link #publishOpen}) needs no checkpoint: the caller may publish every commit interval
 * and checkpoint less often, each store write then covering several publishes.
 *
 * <p>Publishing: each {@link #publishOpen} (and each checkpoint) re-publishes (not final) the values of
 * open minutes that changed since the one before; each bucket of every tier publishes a last record with
 * {@code finalized = true} when it closes. Hours and days publish nothing else: that final record is their only one. A minute that the wall
 * clock has already closed (its end plus grace is past) is open only because the aggregator is catching up
 * on a backlog (after downtime, or a replay): its changes are not news to anyone, and its final record
 * follows as soon as stream time gets there, so only that is published. In real time every open minute is
 * within grace of the wall clock, so this never holds back a live number.
 */
public final class RollupMerger {
    private final BucketStore store;
    private final long graceMs;
    private final LateCounter late;
    /** Values changed since the last checkpoint, with their whole current metrics, by bucket. */
    private final Map<BucketId, Map<DimensionValue, Metrics>> changed = new LinkedHashMap<>();
    /** Minute values changed since they were last published: keys into {@link #changed}. */
    private final Map<BucketId, Set<DimensionValue>> unpublished = new LinkedHashMap<>();

    /** Told how many accepted events were dropped because their minute had already closed. */
    @FunctionalInterface
    public interface LateCounter {
        void lateEvents(long events);
    }

    public RollupMerger(BucketStore store, long graceMs, LateCounter late) {
        this.store = store;
        this.graceMs = graceMs;
        this.late = late;
    }

    public void accept(SitePartial partial) {
        if (partial.isHeartbeat()) {
            return;
        }
        if (store.closedAt() != Long.MIN_VALUE
                && Buckets.isClosed(Granularity.MINUTE, partial.minuteStart(), graceMs, store.closedAt())) {
            late.lateEvents(partial.eventCount());
            return;
        }
        BucketId minute = new BucketId(Granularity.MINUTE, partial.minuteStart(), partial.siteId());
        Set<DimensionValue> toPublish = unpublished.computeIfAbsent(minute, k -> new HashSet<>());
        if (partial.summed() != null) {
            mergeInto(minute, partial.summed().metrics());
            toPublish.addAll(partial.summed().metrics().keySet());
            return;
        }
        Map<DimensionValue, Metrics> current = changed.computeIfAbsent(minute, k -> new LinkedHashMap<>());
        for (RollupInput event : partial.events()) {
            String[] values = event.dimensionValues();
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null) {
                    DimensionValue value = new DimensionValue(Dimension.ofOrdinal(i), values[i]);
                    currentOf(minute, current, value).add(event);
                    toPublish.add(value);
                }
            }
        }
    }

    /**
     * Closes every bucket whose end plus grace is at or before {@code streamTimeMs}, oldest tier first.
     *
     * @return whether anything closed; the caller must then {@link #checkpoint} before the next commit
     */
    public boolean closeUpTo(long streamTimeMs, Instant now, RollupRecords.Sink sink) {
        long closedAt = store.closedAt();
        // Buckets of every tier close only as stream time crosses a minute's end + grace: skip the scans otherwise.
        if (streamTimeMs <= closedAt || closedAt != Long.MIN_VALUE && lastClosableMinute(streamTimeMs) == lastClosableMinute(closedAt)) {
            return false;
        }
        closeInto(Granularity.MINUTE, streamTimeMs - graceMs - Buckets.MINUTE_MS, Granularity.HOUR, now, sink);
        // An hour closes no later than its day (the last hour of a day at the same instant, and hours are
        // handled after minutes), so a day is folded from whole hours: one update per hour, not per minute.
        closeInto(Granularity.HOUR, streamTimeMs - graceMs - Buckets.HOUR_MS, Granularity.DAY, now, sink);
        closeInto(Granularity.DAY, streamTimeMs - graceMs - Buckets.DAY_MS, null, now, sink);
        store.setClosedAt(streamTimeMs);
        return true;
    }

    /**
     * Publishes the changed values of open minutes and writes every changed value of every tier to the
     * store. Open hours and days are not published: readers take the recent part of a range from minutes
     * (the query API does, until hours and days settled), and each re-publish of an open hour or day would
     * cost a record per dimension value and closed minute.
     */
    public void checkpoint(Instant now, RollupRecords.Sink sink) {
        publishOpen(now, sink);
        for (Map.Entry<BucketId, Map<DimensionValue, Metrics>> bucket : changed.entrySet()) {
            BucketId id = bucket.getKey();
            for (Map.Entry<DimensionValue, Metrics> value : bucket.getValue().entrySet()) {
                store.put(id, value.getKey(), value.getValue());
            }
        }
        changed.clear();
    }

    /** Publishes (not final) the values of open minutes changed since they were last published; writes nothing to the store. */
    public void publishOpen(Instant now, RollupRecords.Sink sink) {
        for (Map.Entry<BucketId, Set<DimensionValue>> bucket : unpublished.entrySet()) {
            BucketId id = bucket.getKey();
            if (Buckets.isClosed(Granularity.MINUTE, id.start(), graceMs, now.toEpochMilli())) {
                continue; // the wall clock has closed it: catching up, its final record follows (see above)
            }
            Map<DimensionValue, Metrics> current = changed.get(id);
            for (DimensionValue value : bucket.getValue()) {
                sink.publish(RollupRecords.key(id, value), RollupRecords.value(id, value, current.get(value), false, now));
            }
        }
        unpublished.clear();
    }

    private long lastClosableMinute(long streamTimeMs) {
        return Math.floorDiv(streamTimeMs - graceMs - Buckets.MINUTE_MS, Buckets.MINUTE_MS);
    }

    /** Publishes and removes every bucket of {@code tier} starting at or before {@code lastStart}, folding it into {@code coarser}. */
    private void closeInto(Granularity tier, long lastStart, Granularity coarser, Instant now, RollupRecords.Sink sink) {
        SortedMap<BucketId, Map<DimensionValue, Metrics>> stored = store.startingAtOrBefore(tier, lastStart);
        SortedMap<BucketId, Map<DimensionValue, Metrics>> closing = new TreeMap<>(BucketId.ORDER);
        stored.forEach((id, values) -> closing.put(id, new LinkedHashMap<>(values)));
        for (Iterator<Map.Entry<BucketId, Map<DimensionValue, Metrics>>> it = changed.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<BucketId, Map<DimensionValue, Metrics>> bucket = it.next();
            BucketId id = bucket.getKey();
            if (id.granularity() == tier && id.start() <= lastStart) {
                // The changed values are the current ones: each was read from the store before it changed.
                closing.computeIfAbsent(id, k -> new LinkedHashMap<>()).putAll(bucket.getValue());
                it.remove();
                unpublished.remove(id); // superseded by the final record
            }
        }
        for (Map.Entry<BucketId, Map<DimensionValue, Metrics>> bucket : closing.entrySet()) {
            BucketId id = bucket.getKey();
            RollupRecords.publishFinal(id, bucket.getValue(), now, sink);
            if (coarser != null) {
                mergeInto(new BucketId(coarser, Buckets.start(coarser, id.start()), id.siteId()), bucket.getValue());
            }
            Map<DimensionValue, Metrics> storedValues = stored.get(id);
            if (storedValues != null) {
                storedValues.keySet().forEach(value -> store.delete(id, value));
            }
        }
    }

    /** Adds {@code values} into bucket {@code id}, each value read from the store on its first change since the last checkpoint. */
    private void mergeInto(BucketId id, Map<DimensionValue, Metrics> values) {
        Map<DimensionValue, Metrics> current = changed.computeIfAbsent(id, k -> new LinkedHashMap<>());
        for (Map.Entry<DimensionValue, Metrics> value : values.entrySet()) {
            currentOf(id, current, value.getKey()).merge(value.getValue());
        }
    }

    /** The current metrics of {@code value} in bucket {@code id}, whose changed values are {@code current}. */
    private Metrics currentOf(BucketId id, Map<DimensionValue, Metrics> current, DimensionValue value) {
        Metrics metrics = current.get(value);
        if (metrics == null) {
            metrics = store.get(id, value);
            if (metrics == null) {
                metrics = new Metrics();
            }
            current.put(value, metrics);
        }
        return metrics;
    }
}

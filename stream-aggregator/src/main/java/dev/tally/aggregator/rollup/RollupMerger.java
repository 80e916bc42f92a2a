package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.time.Instant;

/**
 * The merge step: sums the partials of every input partition into one site's minute, publishes open
 * buckets' changes, and closes buckets once stream time passes their end plus the grace period.
 *
 * <p>Tiers agree by construction: an hour is never fed events directly, only the final state of each
 * of its minutes as that minute closes, and a day only the final state of each of its hours as that hour
 * closes. So every closed hour is exactly the merge of its closed minutes, and a day of its hours (same
 * register-wise sketch union, same sums). A partial that
 * arrives for an already closed minute is dropped from every tier and counted as late.
 *
 * <p>Publishing: an open minute is re-published (not final) whenever it changed since the last publish;
 * each bucket of every tier publishes a last record with {@code finalized = true} when it closes. Hours
 * and days publish nothing else: that final record is their only one.
 */
public final class RollupMerger {
    private final BucketStore store;
    private final long graceMs;
    private final LateCounter late;

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
            late.lateEvents(partial.state().events());
            return;
        }
        BucketId minute = new BucketId(Granularity.MINUTE, partial.minuteStart(), partial.siteId());
        BucketState state = store.get(minute);
        if (state == null) {
            state = new BucketState();
        }
        state.merge(partial.state());
        store.put(minute, state);
        store.markChanged(minute);
    }

    /** Closes every bucket whose end plus grace is at or before {@code streamTimeMs}, oldest tier first. */
    public void closeUpTo(long streamTimeMs, Instant now, RollupRecords.Sink sink) {
        long closedAt = store.closedAt();
        // Buckets of every tier close only as stream time crosses a minute's end + grace: skip the scans otherwise.
        if (streamTimeMs <= closedAt || closedAt != Long.MIN_VALUE && lastClosableMinute(streamTimeMs) == lastClosableMinute(closedAt)) {
            return;
        }
        for (BucketId minute : store.startingAtOrBefore(Granularity.MINUTE, streamTimeMs - graceMs - Buckets.MINUTE_MS)) {
            BucketState state = store.get(minute);
            RollupRecords.publishFinal(minute, state, now, sink);
            foldInto(new BucketId(Granularity.HOUR, Buckets.start(Granularity.HOUR, minute.start()), minute.siteId()), state);
            close(minute);
        }
        // An hour closes no later than its day (the last hour of a day at the same instant, and hours are
        // handled first), so a day is folded from whole hours: one store update per hour, not per minute.
        for (BucketId hour : store.startingAtOrBefore(Granularity.HOUR, streamTimeMs - graceMs - Buckets.HOUR_MS)) {
            BucketState state = store.get(hour);
            RollupRecords.publishFinal(hour, state, now, sink);
            foldInto(new BucketId(Granularity.DAY, Buckets.start(Granularity.DAY, hour.start()), hour.siteId()), state);
            close(hour);
        }
        for (BucketId day : store.startingAtOrBefore(Granularity.DAY, streamTimeMs - graceMs - Buckets.DAY_MS)) {
            RollupRecords.publishFinal(day, store.get(day), now, sink);
            close(day);
        }
        store.setClosedAt(streamTimeMs);
    }

    /** Publishes the changed dimension values of every bucket that changed since its last publish. */
    public void publishChanged(Instant now, RollupRecords.Sink sink) {
        for (BucketId id : store.changed()) {
            BucketState state = store.get(id);
            if (state != null) {
                for (DimensionValue value : state.changed()) {
                    sink.publish(RollupRecords.key(id, value), RollupRecords.value(id, value, state.metrics().get(value), false, now));
                }
                state.markPublished();
                store.put(id, state);
            }
            store.clearChanged(id);
        }
    }

    private long lastClosableMinute(long streamTimeMs) {
        return Math.floorDiv(streamTimeMs - graceMs - Buckets.MINUTE_MS, Buckets.MINUTE_MS);
    }

    /**
     * Folds a closed minute into its hour, or a closed hour into its day. Open hours and days are not published: readers take the
     * recent part of a range from minutes (the query API does, until hours and days settled), and each
     * re-publish of an open hour or day would cost a record per dimension value and closed minute.
     */
    private void foldInto(BucketId coarser, BucketState minute) {
        BucketState state = store.get(coarser);
        if (state == null) {
            state = new BucketState();
        }
        state.merge(minute);
        state.markPublished(); // nothing to publish until it closes, and then every value
        store.put(coarser, state);
    }

    private void close(BucketId id) {
        store.delete(id);
        store.clearChanged(id);
    }
}

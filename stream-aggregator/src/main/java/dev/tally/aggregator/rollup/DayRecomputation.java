package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds one site's rollups of one UTC day from its events, for the events the stream could not count:
 * those that arrived after their minute closed (later than the grace period) and keyed backfills.
 *
 * <p>The day's minutes are built from the events, its hours from the minutes and the day from the hours,
 * with the same {@link BucketState} merges in the same order as the streaming merge step, so tiers agree
 * exactly as they do there (counts and sums equal, sketches the register-wise union). Every bucket is published
 * final: these are absolute values that replace what the stream published for the same keys.
 */
public final class DayRecomputation {
    private final String siteId;
    private final long dayStart;
    private final TreeMap<Long, BucketState> minutes = new TreeMap<>();
    private long events;

    public DayRecomputation(String siteId, LocalDate day) {
        this.siteId = siteId;
        this.dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    /** Counts {@code input} if it is this site's and its event time falls on this day; says whether it did. */
    public boolean add(RollupInput input) {
        if (!input.siteId().equals(siteId) || Buckets.start(Granularity.DAY, input.eventTimeMs()) != dayStart) {
            return false;
        }
        minutes.computeIfAbsent(Buckets.start(Granularity.MINUTE, input.eventTimeMs()), start -> new BucketState()).add(input);
        events++;
        return true;
    }

    /** Events counted so far. */
    public long events() {
        return events;
    }

    /**
     * Publishes every minute with events, then every hour, then the day, all final. Nothing is published
     * for a day without events: there is nothing the stream could have missed.
     *
     * @return records published per tier
     */
    public Map<Granularity, Long> publish(Instant now, RollupRecords.Sink sink) {
        Map<Granularity, Long> published = new TreeMap<>();
        RollupRecords.Sink counting = (key, value) -> {
            published.merge(key.getGranularity(), 1L, Long::sum);
            sink.publish(key, value);
        };
        TreeMap<Long, BucketState> hours = new TreeMap<>();
        BucketState day = new BucketState();
        for (Map.Entry<Long, BucketState> minute : minutes.entrySet()) {
            RollupRecords.publishFinal(new BucketId(Granularity.MINUTE, minute.getKey(), siteId), minute.getValue().metrics(), now, counting);
            hours.computeIfAbsent(Buckets.start(Granularity.HOUR, minute.getKey()), start -> new BucketState()).merge(minute.getValue());
        }
        for (Map.Entry<Long, BucketState> hour : hours.entrySet()) {
            RollupRecords.publishFinal(new BucketId(Granularity.HOUR, hour.getKey(), siteId), hour.getValue().metrics(), now, counting);
            day.merge(hour.getValue());
        }
        if (!day.isEmpty()) {
            RollupRecords.publishFinal(new BucketId(Granularity.DAY, dayStart, siteId), day.metrics(), now, counting);
        }
        return published;
    }
}

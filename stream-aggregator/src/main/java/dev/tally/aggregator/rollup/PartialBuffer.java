package dev.tally.aggregator.rollup;

import dev.tally.schemas.avro.Granularity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pre-aggregates the accepted events of one input partition per (site, minute) until they are drained.
 * Holds only memory: the caller must make every added event durable elsewhere until the drain that
 * covers it has been published (see {@code PreAggregateProcessor}).
 */
public final class PartialBuffer {
    private record SiteMinute(String siteId, long minuteStart) {}

    private final Map<SiteMinute, BucketState> buckets = new HashMap<>();
    private long events;

    public void add(RollupInput input) {
        long minute = Buckets.start(Granularity.MINUTE, input.eventTimeMs());
        buckets.computeIfAbsent(new SiteMinute(input.siteId(), minute), k -> new BucketState()).add(input);
        events++;
    }

    /** Events added since the last drain. */
    public long events() {
        return events;
    }

    /** Everything buffered, one partial per (site, minute); the buffer is empty afterwards. */
    public List<SitePartial> drain() {
        List<SitePartial> partials = new ArrayList<>(buckets.size());
        buckets.forEach((key, state) -> partials.add(new SitePartial(key.siteId(), key.minuteStart(), state)));
        buckets.clear();
        events = 0;
        return partials;
    }
}

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
 *
 * <p>A (site, minute) keeps its events as they are until it has more than {@link #EVENTS_KEPT_AS_IS}; only
 * then are they summed (see {@link SitePartial} for why a few events travel cheaper unsummed).
 */
public final class PartialBuffer {
    /**
     * Beyond this many events a slice is summed. Summing pays once a slice's values repeat: a slice of this
     * many events has about as many distinct values (a few dozen) as a busy site's minute, and its events
     * would cost the merge step more sketch updates than the sum's unions.
     */
    public static final int EVENTS_KEPT_AS_IS = 32;

    private record SiteMinute(String siteId, long minuteStart) {}

    /** One (site, minute): its events until there are too many, then their sum. */
    private static final class Slice {
        List<RollupInput> events = new ArrayList<>();
        BucketState summed;

        void add(RollupInput input) {
            if (summed != null) {
                summed.add(input);
                return;
            }
            events.add(input);
            if (events.size() > EVENTS_KEPT_AS_IS) {
                summed = new BucketState();
                events.forEach(summed::add);
                events = null;
            }
        }
    }

    private final Map<SiteMinute, Slice> slices = new HashMap<>();
    private long events;

    public void add(RollupInput input) {
        long minute = Buckets.start(Granularity.MINUTE, input.eventTimeMs());
        slices.computeIfAbsent(new SiteMinute(input.siteId(), minute), k -> new Slice()).add(input);
        events++;
    }

    /** Events added since the last drain. */
    public long events() {
        return events;
    }

    /** Everything buffered, one partial per (site, minute); the buffer is empty afterwards. */
    public List<SitePartial> drain() {
        List<SitePartial> partials = new ArrayList<>(slices.size());
        slices.forEach((key, slice) -> partials.add(slice.summed != null
                ? new SitePartial(key.siteId(), key.minuteStart(), slice.summed)
                : SitePartial.ofEvents(key.siteId(), key.minuteStart(), slice.events)));
        slices.clear();
        events = 0;
        return partials;
    }
}

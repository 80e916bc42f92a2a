package dev.tally.query.compose;

import dev.tally.store.RollupLayout.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a minute-aligned range {@code [from, to)} into the fewest rollup buckets: every whole UTC day
 * inside it from the day tier, every remaining whole UTC hour from the hour tier, the rest from minutes.
 * Because the tiers nest (a day is 24 hours, an hour 60 minutes) this greedy split is the one with the
 * fewest buckets, and no range needs more than 2 × 23 hours and 2 × 59 minutes besides its whole days.
 *
 * <p>Days in a site's time zone need nothing special here: a site-local day is just a range of UTC
 * instants. Where it is not a UTC day (any offset but UTC) it is composed from the hours and minutes of
 * the two UTC days it overlaps; a half-hour offset costs two 30-minute edges.
 *
 * <p>With a {@link Horizon}, hour and day buckets are used only where they are complete: the part of the
 * range after the horizon's settled instant comes from minutes, and nothing after its data end is read.
 */
public final class TierPlanner {
    private static final long MINUTE = Tier.MINUTE.millis();
    private static final long HOUR = Tier.HOUR.millis();
    private static final long DAY = Tier.DAY.millis();

    private TierPlanner() {
    }

    /** The segments covering {@code [from, to)} exactly, in time order, with every tier complete. */
    public static List<Segment> plan(Instant from, Instant to) {
        return plan(from, to, Horizon.EVERYTHING_SETTLED);
    }

    /**
     * The segments covering {@code [from, to)} up to the horizon's data end exactly, in time order; hour
     * and day segments only where their buckets end at or before the horizon's settled instant.
     */
    public static List<Segment> plan(Instant from, Instant to, Horizon horizon) {
        long start = from.toEpochMilli();
        long end = to.toEpochMilli();
        requireMinuteAligned(start, "from");
        requireMinuteAligned(end, "to");
        if (end < start) {
            throw new IllegalArgumentException("range ends before it starts: " + from + " .. " + to);
        }
        long dataEnd = horizon.dataEndMs() >= end ? end : Math.max(start, ceil(horizon.dataEndMs(), MINUTE));
        long settled = Math.min(Math.max(floor(horizon.settledBeforeMs(), MINUTE), start), dataEnd);
        List<Segment> segments = new ArrayList<>();
        daysHoursAndMinutes(start, settled, segments);
        if (settled < dataEnd) {
            Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (last != null && last.tier() == Tier.MINUTE && last.end().toEpochMilli() == settled) {
                segments.set(segments.size() - 1, new Segment(Tier.MINUTE, last.start(), Instant.ofEpochMilli(dataEnd)));
            } else {
                minutes(settled, dataEnd, segments);
            }
        }
        return segments;
    }

    private static void daysHoursAndMinutes(long start, long end, List<Segment> segments) {
        long firstDay = ceil(start, DAY);
        long lastDay = floor(end, DAY);
        if (firstDay < lastDay) {
            hoursAndMinutes(start, firstDay, segments);
            segments.add(new Segment(Tier.DAY, Instant.ofEpochMilli(firstDay), Instant.ofEpochMilli(lastDay)));
            hoursAndMinutes(lastDay, end, segments);
        } else {
            hoursAndMinutes(start, end, segments);
        }
    }

    /** How many buckets {@link #plan} reads: an upper bound on rows read per dimension value. */
    public static long bucketCount(Instant from, Instant to) {
        return bucketCount(from, to, Horizon.EVERYTHING_SETTLED);
    }

    public static long bucketCount(Instant from, Instant to, Horizon horizon) {
        long buckets = 0;
        for (Segment segment : plan(from, to, horizon)) {
            buckets += segment.buckets();
        }
        return buckets;
    }

    private static void hoursAndMinutes(long start, long end, List<Segment> into) {
        if (start >= end) {
            return;
        }
        long firstHour = ceil(start, HOUR);
        long lastHour = floor(end, HOUR);
        if (firstHour < lastHour) {
            minutes(start, firstHour, into);
            into.add(new Segment(Tier.HOUR, Instant.ofEpochMilli(firstHour), Instant.ofEpochMilli(lastHour)));
            minutes(lastHour, end, into);
        } else {
            minutes(start, end, into);
        }
    }

    private static void minutes(long start, long end, List<Segment> into) {
        if (start < end) {
            into.add(new Segment(Tier.MINUTE, Instant.ofEpochMilli(start), Instant.ofEpochMilli(end)));
        }
    }

    private static void requireMinuteAligned(long millis, String name) {
        if (millis % MINUTE != 0) {
            throw new IllegalArgumentException(name + " must be a whole minute, but was " + Instant.ofEpochMilli(millis));
        }
    }

    private static long floor(long millis, long unit) {
        return Math.floorDiv(millis, unit) * unit;
    }

    private static long ceil(long millis, long unit) {
        return -Math.floorDiv(-millis, unit) * unit;
    }
}

package dev.tally.query.compose;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a range into the intervals of a time series at the site's own minute, hour or day boundaries:
 * a site at UTC+05:30 sees hours starting at :30 UTC and days starting at 18:30 UTC, and a DST day has
 * 23 or 25 hours. The first and last interval are clipped to the range.
 */
public final class Intervals {
    /** The widest time series answered: beyond it the caller must choose a coarser interval. */
    public static final int MAX_INTERVALS = 1_500;

    private Intervals() {
    }

    public enum Unit {
        MINUTE(ChronoUnit.MINUTES), HOUR(ChronoUnit.HOURS), DAY(ChronoUnit.DAYS);

        private final ChronoUnit unit;

        Unit(ChronoUnit unit) {
            this.unit = unit;
        }

        /** The interval chosen when none is asked for: at most a few hundred points for any range. */
        public static Unit forRange(Instant from, Instant to) {
            long hours = ChronoUnit.HOURS.between(from, to);
            if (hours <= 6) {
                return MINUTE;
            }
            if (hours <= 72) {
                return HOUR;
            }
            return DAY;
        }
    }

    public record Interval(Instant start, Instant end) {
    }

    public static List<Interval> split(Instant from, Instant to, Unit unit, ZoneId zone) {
        List<Interval> intervals = new ArrayList<>();
        Instant start = from;
        while (start.isBefore(to)) {
            Instant next = nextBoundary(start, unit, zone);
            Instant end = next.isAfter(to) ? to : next;
            intervals.add(new Interval(start, end));
            if (intervals.size() > MAX_INTERVALS) {
                throw new IllegalArgumentException("more than " + MAX_INTERVALS + " " + unit.name().toLowerCase(java.util.Locale.ROOT) + " intervals");
            }
            start = end;
        }
        return intervals;
    }

    /** The first site-local unit boundary strictly after {@code instant}. */
    static Instant nextBoundary(Instant instant, Unit unit, ZoneId zone) {
        ZonedDateTime local = instant.atZone(zone);
        ZonedDateTime floor = unit == Unit.DAY ? local.toLocalDate().atStartOfDay(zone) : local.truncatedTo(unit.unit);
        ZonedDateTime next = unit == Unit.DAY ? floor.toLocalDate().plusDays(1).atStartOfDay(zone) : floor.plus(1, unit.unit);
        // Zones whose offset is not whole minutes (historic local mean time) would give unaligned boundaries.
        Instant boundary = next.toInstant().truncatedTo(ChronoUnit.MINUTES);
        return boundary.isAfter(instant) ? boundary : instant.plus(1, unit.unit == ChronoUnit.DAYS ? ChronoUnit.HOURS : unit.unit);
    }
}

package dev.tally.query.answer;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Turns the API's range parameters into UTC instants in the site's time zone. {@code period} is one of
 * {@code realtime} (the last 5 minutes, this one included), {@code today}, {@code yesterday}, {@code 7d}
 * and {@code 30d} (that many site-local days, today included) or {@code custom}; a custom range takes
 * {@code from} and {@code to} ({@code to} excluded) as site-local dates ({@code 2026-11-01}), site-local
 * times ({@code 2026-11-01T09:30}) or instants with an offset ({@code 2026-11-01T08:30:00Z}), all on
 * whole minutes.
 */
public final class Ranges {
    /** The longest range answered (two leap years): longer ones are almost surely mistakes. */
    public static final Duration MAX_LENGTH = Duration.ofDays(732);
    public static final Duration REALTIME = Duration.ofMinutes(5);

    private Ranges() {
    }

    public static TimeRange resolve(String period, String from, String to, ZoneId zone, Instant now) {
        String chosen = period == null || period.isBlank() ? (from == null && to == null ? null : "custom") : period.toLowerCase(Locale.ROOT);
        if (chosen == null) {
            throw new BadParameter("period", "give period (realtime, today, yesterday, 7d, 30d) or from and to");
        }
        LocalDate today = LocalDate.ofInstant(now, zone);
        return switch (chosen) {
            case "realtime" -> {
                Instant end = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
                Instant start = end.minus(REALTIME);
                yield new TimeRange(start, end, start.minus(REALTIME), start);
            }
            case "today" -> days(today, 1, zone);
            case "yesterday" -> days(today.minusDays(1), 1, zone);
            case "7d" -> days(today.minusDays(6), 7, zone);
            case "30d" -> days(today.minusDays(29), 30, zone);
            case "custom" -> custom(from, to, zone);
            default -> throw new BadParameter("period", "must be realtime, today, yesterday, 7d, 30d or custom");
        };
    }

    private static TimeRange days(LocalDate first, int count, ZoneId zone) {
        Instant from = first.atStartOfDay(zone).toInstant();
        Instant to = first.plusDays(count).atStartOfDay(zone).toInstant();
        Instant previousFrom = first.minusDays(count).atStartOfDay(zone).toInstant();
        return new TimeRange(from, to, previousFrom, from);
    }

    private static TimeRange custom(String fromText, String toText, ZoneId zone) {
        if (fromText == null || fromText.isBlank()) {
            throw new BadParameter("from", "required for a custom range");
        }
        if (toText == null || toText.isBlank()) {
            throw new BadParameter("to", "required for a custom range");
        }
        Instant from = instant("from", fromText.trim(), zone);
        Instant to = instant("to", toText.trim(), zone);
        if (!to.isAfter(from)) {
            throw new BadParameter("to", "must be after from");
        }
        if (Duration.between(from, to).compareTo(MAX_LENGTH) > 0) {
            throw new BadParameter("to", "ranges longer than " + MAX_LENGTH.toDays() + " days are not answered");
        }
        Duration length = Duration.between(from, to);
        return new TimeRange(from, to, from.minus(length), from);
    }

    static Instant instant(String name, String text, ZoneId zone) {
        Instant instant;
        try {
            if (text.length() == 10) {
                instant = LocalDate.parse(text).atStartOfDay(zone).toInstant();
            } else if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                instant = OffsetDateTime.parse(text).toInstant();
            } else {
                instant = LocalDateTime.parse(text).atZone(zone).toInstant();
            }
        } catch (DateTimeException e) {
            throw new BadParameter(name, "must be a date (2026-11-01), a local time (2026-11-01T09:30) or an instant (2026-11-01T08:30:00Z)");
        }
        if (instant.getEpochSecond() % 60 != 0 || instant.getNano() != 0) {
            throw new BadParameter(name, "must be on a whole minute");
        }
        if (instant.getEpochSecond() < 0 || instant.isAfter(Instant.parse("9000-01-01T00:00:00Z"))) {
            throw new BadParameter(name, "is out of range");
        }
        return instant;
    }
}

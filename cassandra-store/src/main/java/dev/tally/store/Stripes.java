package dev.tally.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Where a raw event lives: its UTC day and one of a fixed number of stripes, chosen from the event id
 * so that an event always lands in the same stripe (replays overwrite, never duplicate) and a site's
 * writes spread evenly over the stripes.
 */
public final class Stripes {
    /** The {@code stripe} column is a smallint; 32,768 stripes hold 2.8 G events a day within the 100 MB budget (docs/data-model.md). */
    public static final int MAX_COUNT = 32_768;

    private final int count;

    public Stripes(int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("stripe count must be between 1 and " + MAX_COUNT + ", not " + count);
        }
        this.count = count;
    }

    public int count() {
        return count;
    }

    public short stripeOf(UUID eventId) {
        long mixed = eventId.getMostSignificantBits() ^ eventId.getLeastSignificantBits();
        return (short) Math.floorMod(mixed ^ (mixed >>> 32), count);
    }

    /**
     * The stripes of each site: its own count where {@code overrides} has one (the {@code sites.raw_stripes}
     * column, {@link SiteTable#rawStripes}), else {@code defaultCount}.
     */
    public static java.util.function.Function<String, Stripes> perSite(int defaultCount, java.util.Map<String, Integer> overrides) {
        Stripes fallback = new Stripes(defaultCount);
        java.util.Map<String, Stripes> bySite = new java.util.HashMap<>();
        overrides.forEach((site, count) -> bySite.put(site, new Stripes(count)));
        return site -> bySite.getOrDefault(site, fallback);
    }

    public static LocalDate dayOf(Instant eventTime) {
        return LocalDate.ofInstant(eventTime, ZoneOffset.UTC);
    }
}

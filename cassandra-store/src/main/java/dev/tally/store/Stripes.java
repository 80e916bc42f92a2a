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
    private final int count;

    public Stripes(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("stripe count must be positive");
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

    public static LocalDate dayOf(Instant eventTime) {
        return LocalDate.ofInstant(eventTime, ZoneOffset.UTC);
    }
}

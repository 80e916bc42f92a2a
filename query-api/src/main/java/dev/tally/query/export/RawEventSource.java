package dev.tally.query.export;

import java.io.IOException;
import java.time.Instant;

/** Where exported events come from: every raw event of a site in {@code [from, to)}, in time order. */
public interface RawEventSource {
    /** Feeds each event to {@code sink}; returns how many rows it read. */
    long export(String siteId, Instant from, Instant to, ExportFormat.Sink sink) throws IOException;

    /** How many partitions {@link #export} reads for the range: every stripe of every UTC day it touches. */
    long partitions(String siteId, Instant from, Instant to);
}

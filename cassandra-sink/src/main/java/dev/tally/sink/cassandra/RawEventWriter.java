package dev.tally.sink.cassandra;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.sink.SinkMetrics;
import dev.tally.sink.pipeline.PartitionBatches;
import dev.tally.sink.pipeline.RecordHandler;
import dev.tally.sink.pipeline.Retention;
import dev.tally.sink.pipeline.SourcePosition;
import dev.tally.sink.pipeline.WriteUnit;
import dev.tally.store.RawEventTable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Enriched events in, {@code raw_events} writes out: each record is bound to its insert (TTL = what is
 * left of its site's retention, partition = site, day and the site's stripe), and the inserts waiting
 * are grouped by partition into single-partition unlogged batches of at most {@code maxBatchRows} rows.
 * Inserts wait until {@code flushRecords} are pending or the oldest has waited {@code linger}: with
 * many sites and eight stripes each, one poll alone holds few rows per partition, and fuller batches
 * are what make batching pay. Records that cannot be decoded, or whose event id is not a UUID, are
 * rejected for the dead-letter topic.
 */
public final class RawEventWriter implements RecordHandler {
    public static final String KIND = "raw_events";

    private record Pending(RawEventTable.Insert insert, SourcePosition position) {
    }

    private final Function<byte[], EnrichedEvent> decoder;
    private final RawEventTable table;
    private final SiteSettings siteSettings;
    private final Clock clock;
    private final int maxBatchRows;
    private final int maxBatchBytes;
    private final int flushRecords;
    private final long lingerNanos;
    private final LongSupplier nanoClock;
    private final SinkMetrics metrics;
    private final List<Pending> pending = new ArrayList<>();
    private long firstPendingNanos;

    public RawEventWriter(Function<byte[], EnrichedEvent> decoder, RawEventTable table, SiteSettings siteSettings, Clock clock,
                          int maxBatchRows, int maxBatchBytes, int flushRecords, Duration linger, LongSupplier nanoClock,
                          SinkMetrics metrics) {
        this.decoder = decoder;
        this.table = table;
        this.siteSettings = siteSettings;
        this.clock = clock;
        this.maxBatchRows = maxBatchRows;
        this.maxBatchBytes = maxBatchBytes;
        this.flushRecords = flushRecords;
        this.lingerNanos = linger.toNanos();
        this.nanoClock = nanoClock;
        this.metrics = metrics;
    }

    @Override
    public boolean accept(byte[] key, byte[] value, SourcePosition position) throws RejectedRecordException {
        if (value == null) {
            throw new RejectedRecordException("record has no value");
        }
        EnrichedEvent event;
        try {
            event = decoder.apply(value);
        } catch (RuntimeException e) {
            throw new RejectedRecordException(reason(e));
        }
        OptionalInt ttl = Retention.ttlSeconds(siteSettings.retentionDays(event.getEvent().getSiteId()),
                event.getEvent().getReceivedAt(), clock.instant());
        if (ttl.isEmpty()) {
            metrics.rawExpired();
            return false;
        }
        try {
            RawEventTable.Insert insert = table.bind(event, ttl.getAsInt());
            if (pending.isEmpty()) {
                firstPendingNanos = nanoClock.getAsLong();
            }
            pending.add(new Pending(insert, position));
        } catch (RuntimeException e) {
            // An event id that is no UUID, a time no date can hold: this record can never be stored.
            throw new RejectedRecordException(reason(e));
        }
        return true;
    }

    @Override
    public List<WriteUnit> ready(long nowNanos) {
        if (pending.isEmpty() || (pending.size() < flushRecords && nowNanos - firstPendingNanos < lingerNanos)) {
            return List.of();
        }
        List<List<Pending>> batches = PartitionBatches.group(pending, p -> p.insert().partition(),
                p -> p.insert().approximateBytes(), maxBatchRows, maxBatchBytes);
        pending.clear();
        List<WriteUnit> units = new ArrayList<>(batches.size());
        for (List<Pending> batch : batches) {
            List<RawEventTable.Insert> inserts = batch.stream().map(Pending::insert).toList();
            units.add(new WriteUnit(KIND, batch.stream().map(Pending::position).toList(), inserts.size(),
                    () -> table.write(inserts)));
        }
        return units;
    }

    static String reason(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}

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
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Enriched events in, {@code raw_events} writes out: each record of a poll is bound to its insert
 * (TTL = what is left of its site's retention), and the inserts of the poll are grouped by partition
 * (site, day, stripe) into single-partition unlogged batches of at most {@code maxBatchRows} rows.
 * Records that cannot be decoded, or whose event id is not a UUID, are rejected for the dead-letter topic.
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
    private final SinkMetrics metrics;
    private final List<Pending> pending = new ArrayList<>();

    public RawEventWriter(Function<byte[], EnrichedEvent> decoder, RawEventTable table, SiteSettings siteSettings, Clock clock,
                          int maxBatchRows, int maxBatchBytes, SinkMetrics metrics) {
        this.decoder = decoder;
        this.table = table;
        this.siteSettings = siteSettings;
        this.clock = clock;
        this.maxBatchRows = maxBatchRows;
        this.maxBatchBytes = maxBatchBytes;
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
            pending.add(new Pending(table.bind(event, ttl.getAsInt()), position));
        } catch (RuntimeException e) {
            // An event id that is no UUID, a time no date can hold: this record can never be stored.
            throw new RejectedRecordException(reason(e));
        }
        return true;
    }

    @Override
    public List<WriteUnit> ready(long nowNanos) {
        if (pending.isEmpty()) {
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

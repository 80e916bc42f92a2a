package dev.tally.query.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.query.export.ExportFormat;
import dev.tally.query.export.ExportRecord;
import dev.tally.query.export.RawEventSource;
import dev.tally.store.Stripes;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Exports raw events the way the reference article's map/reduce reads a date range: the list of
 * partition keys is every (site, UTC day, stripe) the range touches, each read as a slice of
 * {@code event_time}. The stripes of one day are merged by event time (a k-way merge over paged
 * result sets), so the export is in time order while memory stays at one page per stripe.
 *
 * <p>How many stripes a site has is asked per export: a site may have its own count
 * ({@code sites.raw_stripes}), and a reader that used the default for it would miss the higher stripes.
 */
public final class CassandraRawEvents implements RawEventSource {
    private static final int PAGE_SIZE = 1_000;
    private static final String[] COLUMNS = {"event_time", "event_id", "type", "name", "url", "path", "url_host", "title",
            "referrer", "referrer_host", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
            "browser", "browser_version", "os", "device_type", "bot", "language", "screen_width", "visitor_id", "new_visitor",
            "value", "currency", "props"};

    private final CqlSession session;
    private final ConsistencyLevel consistency;
    private final Function<String, Stripes> stripesOfSite;
    private final PreparedStatement slice;

    /** @param stripesOfSite the stripes of a site, as the sink writes them (see {@code Stripes.perSite}) */
    public CassandraRawEvents(CqlSession session, String keyspace, Function<String, Stripes> stripesOfSite, ConsistencyLevel consistency) {
        if (!Arrays.asList(COLUMNS).equals(ExportFormat.COLUMNS)) {
            throw new IllegalStateException("export columns and selected columns differ");
        }
        this.session = session;
        this.consistency = consistency;
        this.stripesOfSite = stripesOfSite;
        this.slice = session.prepare("SELECT " + String.join(", ", COLUMNS) + " FROM " + keyspace + ".raw_events"
                + " WHERE site_id = ? AND day = ? AND stripe = ? AND event_time >= ? AND event_time < ?");
    }

    @Override
    public long partitions(String siteId, Instant from, Instant to) {
        return days(from, to).size() * (long) stripesOfSite.apply(siteId).count();
    }

    @Override
    public long export(String siteId, Instant from, Instant to, ExportFormat.Sink sink) throws IOException {
        long rows = 0;
        Stripes stripes = stripesOfSite.apply(siteId);
        for (LocalDate day : days(from, to)) {
            PriorityQueue<Cursor> cursors = new PriorityQueue<>();
            for (short stripe = 0; stripe < stripes.count(); stripe++) {
                Iterator<Row> rowsOfStripe = session.execute(slice.bind(siteId, day, stripe, from, to)
                        .setConsistencyLevel(consistency).setPageSize(PAGE_SIZE).setIdempotent(true)).iterator();
                Cursor cursor = new Cursor(rowsOfStripe);
                if (cursor.advance()) {
                    cursors.add(cursor);
                }
            }
            while (!cursors.isEmpty()) {
                Cursor next = cursors.poll();
                sink.write(toRecord(next.current));
                rows++;
                if (next.advance()) {
                    cursors.add(next);
                }
            }
        }
        return rows;
    }

    private static List<LocalDate> days(Instant from, Instant to) {
        List<LocalDate> days = new ArrayList<>();
        if (!to.isAfter(from)) {
            return days;
        }
        LocalDate last = Stripes.dayOf(to.minus(1, ChronoUnit.MILLIS));
        for (LocalDate day = Stripes.dayOf(from); !day.isAfter(last); day = day.plusDays(1)) {
            days.add(day);
        }
        return days;
    }

    private static ExportRecord toRecord(Row row) {
        List<Object> values = new ArrayList<>(COLUMNS.length);
        for (int i = 0; i < COLUMNS.length; i++) {
            values.add(row.isNull(i) ? null : row.getObject(i));
        }
        return new ExportRecord(values);
    }

    /** The next unread row of one stripe; ordered by event time, then event id, as stored. */
    private static final class Cursor implements Comparable<Cursor> {
        private final Iterator<Row> rows;
        private Row current;
        private Instant time;
        private java.util.UUID id;

        Cursor(Iterator<Row> rows) {
            this.rows = rows;
        }

        boolean advance() {
            if (!rows.hasNext()) {
                return false;
            }
            current = rows.next();
            time = current.getInstant(0);
            id = current.getUuid(1);
            return true;
        }

        @Override
        public int compareTo(Cursor other) {
            int byTime = time.compareTo(other.time);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }
}

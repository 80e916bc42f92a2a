package dev.tally.store;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.schemas.avro.TrackedEvent;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The {@code raw_events} table: writes one event per row (an idempotent upsert keyed by event id, so
 * a replayed Kafka range overwrites the same rows), and reads the latest events of a site's day
 * across all of its stripes. Statements are prepared once, here.
 */
public final class RawEventTable {
    private static final String COLUMNS = "site_id, day, stripe, event_time, event_id, client_time, type, name, url, referrer, "
            + "title, language, screen_width, user_agent, visitor_id, new_visitor, value, currency, props, client_ip";

    private final CqlSession session;
    private final Stripes stripes;
    private final ConsistencyLevel consistency;
    private final PreparedStatement insert;
    private final PreparedStatement latestOfStripe;

    public RawEventTable(CqlSession session, String keyspace, Stripes stripes, ConsistencyLevel consistency) {
        this.session = session;
        this.stripes = stripes;
        this.consistency = consistency;
        this.insert = session.prepare("INSERT INTO " + keyspace + ".raw_events (" + COLUMNS + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.latestOfStripe = session.prepare("SELECT " + COLUMNS + " FROM " + keyspace + ".raw_events "
                + "WHERE site_id = ? AND day = ? AND stripe = ? ORDER BY event_time DESC, event_id DESC LIMIT ?");
    }

    public CompletionStage<AsyncResultSet> insert(TrackedEvent event) {
        return session.executeAsync(bindInsert(event));
    }

    BoundStatement bindInsert(TrackedEvent event) {
        UUID eventId = UUID.fromString(event.getEventId());
        return insert.boundStatementBuilder()
                .setString(0, event.getSiteId())
                .setLocalDate(1, Stripes.dayOf(event.getReceivedAt()))
                .setShort(2, stripes.stripeOf(eventId))
                .setInstant(3, event.getReceivedAt())
                .setUuid(4, eventId)
                .setInstant(5, event.getClientTime())
                .setString(6, event.getType().name().toLowerCase(java.util.Locale.ROOT))
                .setString(7, event.getName())
                .setString(8, event.getUrl())
                .setString(9, event.getReferrer())
                .setString(10, event.getTitle())
                .setString(11, event.getLanguage())
                .set(12, event.getScreenWidth(), Integer.class)
                .setString(13, event.getUserAgent())
                .setString(14, event.getVisitorId())
                .set(15, event.getNewVisitor(), Boolean.class)
                .set(16, event.getValue(), Double.class)
                .setString(17, event.getCurrency())
                .setMap(18, event.getProps(), String.class, String.class)
                .setString(19, event.getClientIp())
                .setConsistencyLevel(consistency)
                .setIdempotence(true)
                .build();
    }

    /** The latest {@code limit} events of a site on one UTC day, newest first, merged from every stripe. */
    public List<RawEventRow> latest(String siteId, LocalDate day, int limit) {
        List<RawEventRow> rows = new ArrayList<>();
        for (short stripe = 0; stripe < stripes.count(); stripe++) {
            for (Row row : session.execute(latestOfStripe.bind(siteId, day, stripe, limit).setConsistencyLevel(consistency))) {
                rows.add(RawEventRow.from(row));
            }
        }
        rows.sort(Comparator.comparing(RawEventRow::eventTime).thenComparing(RawEventRow::eventId).reversed());
        return rows.size() > limit ? List.copyOf(rows.subList(0, limit)) : rows;
    }
}

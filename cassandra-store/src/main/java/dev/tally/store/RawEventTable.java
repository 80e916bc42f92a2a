package dev.tally.store;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.TrackedEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@code raw_events} table (V001 columns and the enriched columns of V003).
 *
 * <p>Writes: {@link #bind} turns one {@link EnrichedEvent} into an idempotent insert keyed by event id
 * (a replayed Kafka range overwrites the same rows) with a TTL, and tells which partition it lands in;
 * {@link #write} sends inserts of one partition as a single statement or an unlogged batch, routed by
 * token to a replica of that partition. Reads: the latest events of a site's day, or all of them,
 * across every stripe. Statements are prepared once, here.
 */
public final class RawEventTable {
    private static final String COLUMNS = "site_id, day, stripe, event_time, event_id, client_time, type, name, url, referrer, "
            + "title, language, screen_width, user_agent, visitor_id, new_visitor, value, currency, props, client_ip, "
            + "path, url_host, browser, browser_version, os, device_type, bot, referrer_host, channel, "
            + "utm_source, utm_medium, utm_campaign, utm_term, utm_content";
    private static final int COLUMN_COUNT = 34;
    /** Bytes of a row besides its variable-length text: keys, timestamps, numbers, cell overhead. */
    private static final int FIXED_ROW_BYTES = 160;

    /** Where a raw event row lives: one partition per site, UTC day and stripe. */
    public record Partition(String siteId, LocalDate day, short stripe) {
    }

    /**
     * One bound insert.
     *
     * @param approximateBytes the row's size on the wire, to keep batches small
     */
    public record Insert(Partition partition, BoundStatement statement, int approximateBytes) {
    }

    private final CqlSession session;
    private final Function<String, Stripes> stripesOfSite;
    private final ConsistencyLevel consistency;
    private final PreparedStatement insert;
    private final PreparedStatement latestOfStripe;
    private final PreparedStatement allOfStripe;

    /** Every site with the same number of stripes. */
    public RawEventTable(CqlSession session, String keyspace, Stripes stripes, ConsistencyLevel consistency) {
        this(session, keyspace, site -> stripes, consistency);
    }

    /**
     * Sites with their own number of stripes ({@code sites.raw_stripes}, see {@link Stripes#perSite});
     * the function is asked on every write and read, so it may follow a cache that is reloaded.
     */
    public RawEventTable(CqlSession session, String keyspace, Function<String, Stripes> stripesOfSite, ConsistencyLevel consistency) {
        this.session = session;
        this.stripesOfSite = stripesOfSite;
        this.consistency = consistency;
        this.insert = session.prepare("INSERT INTO " + keyspace + ".raw_events (" + COLUMNS + ") VALUES ("
                + "?, ".repeat(COLUMN_COUNT - 1) + "?) USING TTL ?");
        this.latestOfStripe = session.prepare("SELECT " + COLUMNS + " FROM " + keyspace + ".raw_events "
                + "WHERE site_id = ? AND day = ? AND stripe = ? ORDER BY event_time DESC, event_id DESC LIMIT ?");
        this.allOfStripe = session.prepare("SELECT " + COLUMNS + " FROM " + keyspace + ".raw_events "
                + "WHERE site_id = ? AND day = ? AND stripe = ?");
    }

    /**
     * The insert of one event, expiring {@code ttlSeconds} after the write.
     *
     * @throws IllegalArgumentException if the event id is not a UUID, or the TTL is not positive
     */
    public Insert bind(EnrichedEvent enriched, int ttlSeconds) {
        if (ttlSeconds < 1) {
            throw new IllegalArgumentException("TTL must be positive, was " + ttlSeconds);
        }
        TrackedEvent event = enriched.getEvent();
        UUID eventId = parseEventId(event.getEventId());
        Partition partition = new Partition(event.getSiteId(), Stripes.dayOf(event.getReceivedAt()),
                stripesOfSite.apply(event.getSiteId()).stripeOf(eventId));
        // Absent values stay unset rather than null: a null would write a tombstone into every row.
        BoundStatementBuilder row = insert.boundStatementBuilder()
                .setString(0, partition.siteId())
                .setLocalDate(1, partition.day())
                .setShort(2, partition.stripe())
                .setInstant(3, event.getReceivedAt())
                .setUuid(4, eventId)
                .setString(6, event.getType().name().toLowerCase(Locale.ROOT))
                .setString(7, event.getName())
                .setString(8, event.getUrl())
                .setString(14, event.getVisitorId())
                .setString(20, enriched.getPath())
                .setBoolean(26, enriched.getBot())
                .setInt(34, ttlSeconds)
                .setConsistencyLevel(consistency)
                .setIdempotence(true);
        setIfPresent(row, 5, event.getClientTime(), Instant.class);
        setIfPresent(row, 9, event.getReferrer(), String.class);
        setIfPresent(row, 10, event.getTitle(), String.class);
        setIfPresent(row, 11, event.getLanguage(), String.class);
        setIfPresent(row, 12, event.getScreenWidth(), Integer.class);
        setIfPresent(row, 13, event.getUserAgent(), String.class);
        setIfPresent(row, 15, event.getNewVisitor(), Boolean.class);
        setIfPresent(row, 16, event.getValue(), Double.class);
        setIfPresent(row, 17, event.getCurrency(), String.class);
        if (!event.getProps().isEmpty()) {
            row.setMap(18, event.getProps(), String.class, String.class);
        }
        setIfPresent(row, 19, event.getClientIp(), String.class);
        setIfPresent(row, 21, enriched.getUrlHost(), String.class);
        setIfPresent(row, 22, enriched.getBrowser(), String.class);
        setIfPresent(row, 23, enriched.getBrowserVersion(), String.class);
        setIfPresent(row, 24, enriched.getOs(), String.class);
        setIfPresent(row, 25, enriched.getDeviceType(), String.class);
        setIfPresent(row, 27, enriched.getReferrerHost(), String.class);
        setIfPresent(row, 28, enriched.getChannel(), String.class);
        setIfPresent(row, 29, enriched.getUtmSource(), String.class);
        setIfPresent(row, 30, enriched.getUtmMedium(), String.class);
        setIfPresent(row, 31, enriched.getUtmCampaign(), String.class);
        setIfPresent(row, 32, enriched.getUtmTerm(), String.class);
        setIfPresent(row, 33, enriched.getUtmContent(), String.class);
        return new Insert(partition, row.build(), approximateBytes(enriched));
    }

    private static <T> void setIfPresent(BoundStatementBuilder row, int index, T value, Class<T> type) {
        if (value != null) {
            row.set(index, value, type);
        }
    }

    private static UUID parseEventId(String eventId) {
        try {
            UUID id = UUID.fromString(eventId);
            // UUID.fromString accepts shortened groups ("1-2-3-4-5"); only the canonical form round-trips.
            if (!id.toString().equalsIgnoreCase(eventId)) {
                throw new IllegalArgumentException("not canonical");
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("eventId '" + abbreviate(eventId) + "' is not a UUID");
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static int approximateBytes(EnrichedEvent enriched) {
        TrackedEvent event = enriched.getEvent();
        int bytes = FIXED_ROW_BYTES;
        for (CharSequence text : new CharSequence[] {event.getSiteId(), event.getName(), event.getUrl(), event.getReferrer(),
                event.getTitle(), event.getLanguage(), event.getUserAgent(), event.getVisitorId(), event.getCurrency(),
                event.getClientIp(), enriched.getPath(), enriched.getUrlHost(), enriched.getBrowser(), enriched.getBrowserVersion(),
                enriched.getOs(), enriched.getDeviceType(), enriched.getReferrerHost(), enriched.getChannel(),
                enriched.getUtmSource(), enriched.getUtmMedium(), enriched.getUtmCampaign(), enriched.getUtmTerm(),
                enriched.getUtmContent()}) {
            bytes += text == null ? 0 : text.length() + 4;
        }
        for (Map.Entry<String, String> prop : event.getProps().entrySet()) {
            bytes += prop.getKey().length() + prop.getValue().length() + 8;
        }
        return bytes;
    }

    /**
     * Writes inserts that all belong to one partition: a single statement, or an unlogged batch that
     * Cassandra applies as one mutation of that partition on the replicas the driver routes it to.
     */
    public CompletionStage<AsyncResultSet> write(List<Insert> samePartition) {
        if (samePartition.isEmpty()) {
            throw new IllegalArgumentException("nothing to write");
        }
        if (samePartition.size() == 1) {
            return session.executeAsync(samePartition.get(0).statement());
        }
        Partition partition = samePartition.get(0).partition();
        List<BoundStatement> statements = new ArrayList<>(samePartition.size());
        for (Insert insert : samePartition) {
            if (!insert.partition().equals(partition)) {
                throw new IllegalArgumentException("an unlogged batch must hold one partition only, got " + partition
                        + " and " + insert.partition());
            }
            statements.add(insert.statement());
        }
        BatchStatement batch = BatchStatement.builder(BatchType.UNLOGGED)
                .addStatements(new ArrayList<>(statements))
                .setConsistencyLevel(consistency)
                .setIdempotence(true)
                .build();
        return session.executeAsync(batch);
    }

    /** The latest {@code limit} events of a site on one UTC day, newest first, merged from every stripe. */
    public List<RawEventRow> latest(String siteId, LocalDate day, int limit) {
        List<RawEventRow> rows = new ArrayList<>();
        int stripes = stripesOfSite.apply(siteId).count();
        for (int stripe = 0; stripe < stripes; stripe++) {
            for (Row row : session.execute(latestOfStripe.bind(siteId, day, (short) stripe, limit).setConsistencyLevel(consistency))) {
                rows.add(RawEventRow.from(row));
            }
        }
        rows.sort(Comparator.comparing(RawEventRow::eventTime).thenComparing(RawEventRow::eventId).reversed());
        return rows.size() > limit ? List.copyOf(rows.subList(0, limit)) : rows;
    }

    /** Every event of a site on one UTC day, oldest first, merged from every stripe. */
    public List<RawEventRow> day(String siteId, LocalDate day) {
        List<RawEventRow> rows = new ArrayList<>();
        forEachOfDay(siteId, day, rows::add);
        rows.sort(Comparator.comparing(RawEventRow::eventTime).thenComparing(RawEventRow::eventId));
        return rows;
    }

    /**
     * Every event of a site received on one UTC day, stripe after stripe, in no overall order: the driver
     * pages through each stripe, so a day of any size is read with one page in memory.
     */
    public void forEachOfDay(String siteId, LocalDate day, Consumer<RawEventRow> action) {
        int stripes = stripesOfSite.apply(siteId).count();
        for (int stripe = 0; stripe < stripes; stripe++) {
            for (Row row : session.execute(allOfStripe.bind(siteId, day, (short) stripe).setConsistencyLevel(consistency))) {
                action.accept(RawEventRow.from(row));
            }
        }
    }
}

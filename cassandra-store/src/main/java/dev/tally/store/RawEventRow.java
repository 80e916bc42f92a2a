package dev.tally.store;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

/** One stored raw event, as read back from {@code raw_events}: the tracked event and what the aggregator derived from it. */
public record RawEventRow(
        String siteId,
        LocalDate day,
        short stripe,
        Instant eventTime,
        UUID eventId,
        Instant clientTime,
        String type,
        String name,
        String url,
        String referrer,
        String title,
        String language,
        Integer screenWidth,
        String userAgent,
        String visitorId,
        Boolean newVisitor,
        Double value,
        String currency,
        Map<String, String> props,
        String clientIp,
        Enrichment enrichment) {

    /** The enriched columns (V003), as in {@code EnrichedEvent}. */
    public record Enrichment(
            String path,
            String urlHost,
            String browser,
            String browserVersion,
            String os,
            String deviceType,
            Boolean bot,
            String referrerHost,
            String channel,
            String utmSource,
            String utmMedium,
            String utmCampaign,
            String utmTerm,
            String utmContent) {

        static Enrichment from(Row row) {
            return new Enrichment(
                    row.getString("path"),
                    row.getString("url_host"),
                    row.getString("browser"),
                    row.getString("browser_version"),
                    row.getString("os"),
                    row.getString("device_type"),
                    row.get("bot", Boolean.class),
                    row.getString("referrer_host"),
                    row.getString("channel"),
                    row.getString("utm_source"),
                    row.getString("utm_medium"),
                    row.getString("utm_campaign"),
                    row.getString("utm_term"),
                    row.getString("utm_content"));
        }
    }

    static RawEventRow from(Row row) {
        return new RawEventRow(
                row.getString("site_id"),
                row.getLocalDate("day"),
                row.getShort("stripe"),
                row.getInstant("event_time"),
                row.getUuid("event_id"),
                row.getInstant("client_time"),
                row.getString("type"),
                row.getString("name"),
                row.getString("url"),
                row.getString("referrer"),
                row.getString("title"),
                row.getString("language"),
                row.get("screen_width", Integer.class),
                row.getString("user_agent"),
                row.getString("visitor_id"),
                row.get("new_visitor", Boolean.class),
                row.get("value", Double.class),
                row.getString("currency"),
                row.getMap("props", String.class, String.class),
                row.getString("client_ip"),
                Enrichment.from(row));
    }
}

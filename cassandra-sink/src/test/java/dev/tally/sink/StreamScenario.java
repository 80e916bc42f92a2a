package dev.tally.sink;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Granularity;
import dev.tally.schemas.avro.Rollup;
import dev.tally.store.RawEventRow;
import dev.tally.store.RollupLayout.Tier;
import dev.tally.store.RollupTables.StoredRollup;
import dev.tally.store.Stripes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A stream of enriched events for a few sites and the growing rollup records an aggregator would emit
 * for them (minute, hour and day totals and pages, re-emitted after every event), with what the tables
 * must hold afterwards and a snapshot of what they do hold.
 */
final class StreamScenario {
    private static final String[] PAGES = {"/", "/pricing", "/blog/a", "/blog/b", "/docs"};

    private final SinkFixture fixture;
    private final List<String> sites = new ArrayList<>();
    private final Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(5, ChronoUnit.MINUTES);
    private final Map<String, Integer> eventsPerSite = new TreeMap<>();
    /** The latest record per bucket, as the aggregator would last have emitted it. */
    private final Map<String, Rollup> latestRollups = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private int sent;

    StreamScenario(SinkFixture fixture, int siteCount) {
        this.fixture = fixture;
        String prefix = UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < siteCount; i++) {
            sites.add("site" + i + "-" + prefix);
        }
    }

    /** Sends {@code events} events (round robin over sites and pages) and, after each, its buckets' new values. */
    void send(int events) {
        for (int i = 0; i < events; i++) {
            String site = sites.get(sent % sites.size());
            String page = PAGES[(sent / sites.size()) % PAGES.length];
            Instant time = start.plusMillis(sent * 137L);
            EnrichedEvent event = TestEvents.sparseEvent(site, time);
            event.setPath(page);
            fixture.send(event);
            eventsPerSite.merge(site, 1, Integer::sum);
            for (Granularity granularity : Granularity.values()) {
                Tier tier = Tier.valueOf(granularity.name());
                Instant bucket = Instant.ofEpochMilli(time.toEpochMilli() - Math.floorMod(time.toEpochMilli(), tier.millis()));
                emit(site, granularity, "total", "", bucket);
                emit(site, granularity, "page", page, bucket);
            }
            sent++;
        }
        fixture.flush();
    }

    private void emit(String site, Granularity granularity, String dimension, String value, Instant bucket) {
        String key = site + "|" + granularity + "|" + dimension + "|" + value + "|" + bucket.toEpochMilli();
        long pageviews = counts.merge(key, 1L, Long::sum);
        Rollup rollup = TestEvents.rollup(site, granularity, dimension, value, bucket, pageviews,
                Instant.parse("2026-01-01T00:00:00Z").plusMillis(sent), false);
        latestRollups.put(key, rollup);
        fixture.send(rollup);
    }

    int sent() {
        return sent;
    }

    Map<String, Integer> eventsPerSite() {
        return eventsPerSite;
    }

    List<Rollup> latestRollups() {
        return List.copyOf(latestRollups.values());
    }

    /** Raw rows stored for the scenario's sites, in a stable order. */
    List<RawEventRow> rawRows() {
        List<RawEventRow> rows = new ArrayList<>();
        for (String site : sites) {
            for (LocalDate day = Stripes.dayOf(start); !day.isAfter(Stripes.dayOf(Instant.now().plusSeconds(3600))); day = day.plusDays(1)) {
                rows.addAll(fixture.rawEvents.day(site, day));
            }
        }
        rows.sort(Comparator.comparing((RawEventRow r) -> r.eventId().toString()));
        return rows;
    }

    /**
     * The stored row of each bucket sent, as a time-series read and as a breakdown read find it (two rows per
     * bucket): both from the tier's table ({@code rollup_minutes}, {@code rollup_hours},
     * {@code rollup_days}), through its two read paths.
     */
    Map<String, List<StoredRollup>> storedRollups() {
        Map<String, List<StoredRollup>> stored = new TreeMap<>();
        for (Map.Entry<String, Rollup> entry : latestRollups.entrySet()) {
            Rollup rollup = entry.getValue();
            Tier tier = Tier.valueOf(rollup.getGranularity().name());
            List<StoredRollup> rows = new ArrayList<>();
            fixture.rollups.series(rollup.getSiteId(), tier, rollup.getDimension(), rollup.getDimensionValue(),
                    rollup.getBucketStart(), rollup.getBucketStart().plusMillis(tier.millis())).forEach(rows::add);
            fixture.rollups.breakdown(rollup.getSiteId(), tier, rollup.getDimension(), rollup.getBucketStart()).stream()
                    .filter(r -> r.dimensionValue().equals(rollup.getDimensionValue())).forEach(rows::add);
            stored.put(entry.getKey(), rows);
        }
        return stored;
    }
}

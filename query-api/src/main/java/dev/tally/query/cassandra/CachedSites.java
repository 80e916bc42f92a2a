package dev.tally.query.cassandra;

import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import dev.tally.query.answer.SiteLookup;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site registry as the query API sees it: each site read from the {@code sites} table at most once
 * per refresh interval, so a key rotated or a site removed with {@code ./tally sites} takes effect
 * within one interval. Unknown ids are remembered for the interval too, so guessing ids costs
 * Cassandra one read per id and interval, not one per request. While Cassandra is down the last known
 * answer keeps serving.
 */
public final class CachedSites implements SiteLookup, ReadinessCheck {
    private static final Logger LOG = LoggerFactory.getLogger(CachedSites.class);
    private static final int MAX_ENTRIES = 100_000;

    private record Entry(Optional<Site> site, Instant loadedAt) {
    }

    private final SiteTable table;
    private final Duration refresh;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean lastLoadFailed;

    public CachedSites(SiteTable table, Duration refresh, Clock clock) {
        this.table = table;
        this.refresh = refresh;
        this.clock = clock;
    }

    @Override
    public Optional<Site> find(String siteId) {
        Instant now = clock.instant();
        Entry cached = entries.get(siteId);
        if (cached != null && cached.loadedAt().plus(refresh).isAfter(now)) {
            return cached.site();
        }
        try {
            Optional<Site> site = table.find(siteId);
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
            entries.put(siteId, new Entry(site, now));
            if (lastLoadFailed) {
                LOG.info("Site registry readable again");
            }
            lastLoadFailed = false;
            return site;
        } catch (RuntimeException e) {
            if (!lastLoadFailed) {
                LOG.warn("Cannot read the site registry from Cassandra ({}); answering from the last known sites. Check Cassandra.", e.toString());
            }
            lastLoadFailed = true;
            if (cached != null) {
                return cached.site();
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return "site-registry";
    }

    @Override
    public Readiness check() {
        return lastLoadFailed ? Readiness.notReady("last read of the sites table failed; check Cassandra") : Readiness.ok(entries.size() + " site id(s) cached");
    }
}

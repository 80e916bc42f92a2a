package dev.tally.gateway.cassandra;

import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import dev.tally.gateway.ingest.SiteDirectory;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site registry as the gateway sees it: the {@code sites} table, reloaded whole in the background
 * every refresh interval, so request handling never waits on Cassandra. While Cassandra is down the
 * last loaded registry keeps serving; a site added with {@code ./tally sites add} is live within one
 * interval.
 */
public final class CachedSiteDirectory implements SiteDirectory, ReadinessCheck, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CachedSiteDirectory.class);

    private final SiteTable table;
    private final ScheduledExecutorService refresher;
    private volatile Map<String, Site> sites;
    private volatile boolean lastLoadFailed;

    public CachedSiteDirectory(SiteTable table, Duration refreshInterval) {
        this.table = table;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "site-registry-refresh");
            thread.setDaemon(true);
            return thread;
        });
        refresh();
        refresher.scheduleWithFixedDelay(this::refresh, refreshInterval.toMillis(), refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reloads now; public so tests and the launcher need not wait for the next interval. */
    public void refresh() {
        try {
            List<Site> loaded = table.all();
            Map<String, Site> byId = loaded.stream().collect(Collectors.toUnmodifiableMap(Site::id, Function.identity()));
            if (sites == null || !sites.keySet().equals(byId.keySet())) {
                LOG.info("Site registry: {} site(s) registered", byId.size());
            }
            sites = byId;
            if (lastLoadFailed) {
                LOG.info("Site registry reloaded after a failure");
            }
            lastLoadFailed = false;
        } catch (RuntimeException e) {
            if (!lastLoadFailed) {
                LOG.warn("Cannot reload the site registry from Cassandra ({}); serving the last loaded one. Check Cassandra.", e.toString());
            }
            lastLoadFailed = true;
        }
    }

    @Override
    public Optional<Site> find(String siteId) {
        Map<String, Site> current = sites;
        return current == null ? Optional.empty() : Optional.ofNullable(current.get(siteId));
    }

    @Override
    public boolean anyAllowsHost(String host) {
        Map<String, Site> current = sites;
        if (current == null) {
            return false;
        }
        for (Site site : current.values()) {
            if (site.allowsHost(host)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String name() {
        return "site-registry";
    }

    @Override
    public Readiness check() {
        Map<String, Site> current = sites;
        if (current == null) {
            return Readiness.notReady("site registry not loaded yet; check Cassandra");
        }
        return Readiness.ok(current.size() + " site(s)" + (lastLoadFailed ? ", last reload failed" : ""));
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}

package dev.tally.sink.cassandra;

import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each site's raw-event retention in days, from the {@code sites} table, cached and reloaded in the
 * background every {@code refresh}. A site not (yet) in the registry gets the default retention.
 * While Cassandra is unreachable the last loaded values stay in use.
 */
public final class SiteRetentions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SiteRetentions.class);

    private final SiteTable sites;
    private final int defaultDays;
    private final ScheduledExecutorService refresher;
    private volatile Map<String, Integer> bySite = Map.of();
    private volatile boolean lastLoadFailed;

    private SiteRetentions(SiteTable sites, int defaultDays) {
        this.sites = sites;
        this.defaultDays = defaultDays;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sink-site-retentions");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Loads the registry once now, then every {@code refresh}. */
    public static SiteRetentions start(SiteTable sites, int defaultDays, Duration refresh) {
        SiteRetentions retentions = new SiteRetentions(sites, defaultDays);
        retentions.reload();
        retentions.refresher.scheduleWithFixedDelay(retentions::reload, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
        return retentions;
    }

    public int retentionDays(String siteId) {
        return bySite.getOrDefault(siteId, defaultDays);
    }

    void reload() {
        try {
            Map<String, Integer> loaded = new HashMap<>();
            for (Site site : sites.all()) {
                loaded.put(site.id(), site.retentionDays());
            }
            bySite = Map.copyOf(loaded);
            if (lastLoadFailed) {
                LOG.info("Site retentions reloaded ({} sites)", loaded.size());
            }
            lastLoadFailed = false;
        } catch (RuntimeException e) {
            if (!lastLoadFailed) {
                LOG.warn("Could not load site retentions from Cassandra ({}); keeping the {} loaded before, default {} days. "
                        + "Retrying in the background.", e.toString(), bySite.size(), defaultDays);
            }
            lastLoadFailed = true;
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}

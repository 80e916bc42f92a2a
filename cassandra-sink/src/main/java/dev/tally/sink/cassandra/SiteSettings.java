package dev.tally.sink.cassandra;

import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import dev.tally.store.Stripes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sink needs to know of each site, from the {@code sites} table: its raw-event retention in
 * days and its number of {@code raw_events} stripes. Cached, and reloaded in the background every
 * {@code refresh}. A site not (yet) in the registry gets the defaults. While Cassandra is unreachable
 * the last loaded values stay in use.
 */
public final class SiteSettings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SiteSettings.class);

    private record Loaded(Map<String, Integer> retentionDays, Function<String, Stripes> stripes) {
    }

    private final SiteTable sites;
    private final int defaultDays;
    private final int defaultStripes;
    private final ScheduledExecutorService refresher;
    private volatile Loaded loaded;
    private volatile boolean lastLoadFailed;

    private SiteSettings(SiteTable sites, int defaultDays, int defaultStripes) {
        this.sites = sites;
        this.defaultDays = defaultDays;
        this.defaultStripes = defaultStripes;
        this.loaded = new Loaded(Map.of(), Stripes.perSite(defaultStripes, Map.of()));
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sink-site-settings");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Loads the registry once now, then every {@code refresh}. */
    public static SiteSettings start(SiteTable sites, int defaultDays, int defaultStripes, Duration refresh) {
        SiteSettings settings = new SiteSettings(sites, defaultDays, defaultStripes);
        settings.reload();
        settings.refresher.scheduleWithFixedDelay(settings::reload, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
        return settings;
    }

    public int retentionDays(String siteId) {
        return loaded.retentionDays().getOrDefault(siteId, defaultDays);
    }

    /** The site's raw-event stripes: {@code sites.raw_stripes}, or the default. */
    public Stripes stripes(String siteId) {
        return loaded.stripes().apply(siteId);
    }

    void reload() {
        try {
            Map<String, Integer> retentions = new HashMap<>();
            for (Site site : sites.all()) {
                retentions.put(site.id(), site.retentionDays());
            }
            loaded = new Loaded(Map.copyOf(retentions), Stripes.perSite(defaultStripes, sites.rawStripes()));
            if (lastLoadFailed) {
                LOG.info("Site settings reloaded ({} sites)", retentions.size());
            }
            lastLoadFailed = false;
        } catch (RuntimeException e) {
            if (!lastLoadFailed) {
                LOG.warn("Could not load site retentions and stripes from Cassandra ({}); keeping the {} loaded before "
                        + "(defaults: {} days, {} stripes). Retrying in the background.", e.toString(),
                        loaded.retentionDays().size(), defaultDays, defaultStripes);
            }
            lastLoadFailed = true;
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}

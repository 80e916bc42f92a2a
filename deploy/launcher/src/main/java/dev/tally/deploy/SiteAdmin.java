package dev.tally.deploy;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.store.CassandraConfig;
import dev.tally.store.IdentityMode;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Adds, lists and removes registered sites: behind {@code ./tally sites ...}, the demo site of
 * {@code ./tally run}, and the tests. Gateways pick changes up within their refresh interval.
 */
public final class SiteAdmin {
    public static final String DEMO_SITE = "demo";
    public static final Set<String> DEMO_HOSTS = Set.of("localhost", "127.0.0.1", "example.com", "*.example.com");

    private final SiteTable table;

    public SiteAdmin(CqlSession session, CassandraConfig cassandra) {
        this.table = new SiteTable(session, cassandra.keyspace(), cassandra.consistency());
    }

    /** A new site and its key. The key is returned once here; only its hash is stored. */
    public record Created(Site site, String key) {}

    public Created add(String id, Set<String> hostnames, ZoneId timeZone, IdentityMode identityMode, int retentionDays) {
        if (table.find(id).isPresent()) {
            throw new IllegalArgumentException("site '" + id + "' already exists; remove it first or pick another id");
        }
        String key = Site.newKey();
        Site site = new Site(id, hostnames, timeZone, identityMode, retentionDays, Site.hashKey(key));
        table.save(site);
        return new Created(site, key);
    }

    /** Registers the demo site if it is missing; the key when it was created now. */
    public Optional<String> ensureDemoSite() {
        if (table.find(DEMO_SITE).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(add(DEMO_SITE, DEMO_HOSTS, ZoneId.of("UTC"), IdentityMode.COOKIELESS, 395).key());
    }

    /**
     * Registers a simulated site of the traffic generator, or gives the existing one a new key: the
     * generator needs a key it knows (late events older than the allowed clock skew carry it), and
     * only the hash of the old one is stored. A site with that id but other hosts is somebody's real
     * site and is left alone.
     */
    public String addOrRekeySimulatedSite(String id, Set<String> hostnames) {
        Optional<Site> existing = table.find(id);
        if (existing.isEmpty()) {
            return add(id, hostnames, ZoneId.of("UTC"), IdentityMode.COOKIELESS, 395).key();
        }
        Site site = existing.get();
        if (!site.hostnames().equals(new Site(id, hostnames, site.timeZone(), site.identityMode(), 1, null).hostnames())) {
            throw new IllegalArgumentException("site '" + id + "' is registered with hosts " + site.hostnames()
                    + ", not those of the simulated site " + hostnames + "; pick another site id prefix");
        }
        String key = Site.newKey();
        table.save(new Site(id, site.hostnames(), site.timeZone(), site.identityMode(), site.retentionDays(), Site.hashKey(key)));
        return key;
    }

    public List<Site> list() {
        return table.all();
    }

    public boolean remove(String id) {
        boolean existed = table.find(id).isPresent();
        table.remove(id);
        return existed;
    }
}

package dev.tally.store;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code sites} table: the site registry. Small; readers load it whole and cache it. */
public final class SiteTable {
    private final CqlSession session;
    private final ConsistencyLevel consistency;
    private final PreparedStatement upsert;
    private final PreparedStatement selectAll;
    private final PreparedStatement selectOne;
    private final PreparedStatement delete;
    private final PreparedStatement selectRawStripes;
    private final PreparedStatement updateRawStripes;

    public SiteTable(CqlSession session, String keyspace, ConsistencyLevel consistency) {
        this.session = session;
        this.consistency = consistency;
        String columns = "site_id, hostnames, time_zone, identity_mode, retention_days, key_hash";
        this.upsert = session.prepare("INSERT INTO " + keyspace + ".sites (" + columns + ", created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
        this.selectAll = session.prepare("SELECT " + columns + " FROM " + keyspace + ".sites");
        this.selectOne = session.prepare("SELECT " + columns + " FROM " + keyspace + ".sites WHERE site_id = ?");
        this.delete = session.prepare("DELETE FROM " + keyspace + ".sites WHERE site_id = ?");
        this.selectRawStripes = session.prepare("SELECT site_id, raw_stripes FROM " + keyspace + ".sites");
        this.updateRawStripes = session.prepare("UPDATE " + keyspace + ".sites SET raw_stripes = ? WHERE site_id = ?");
    }

    public void save(Site site) {
        session.execute(upsert.bind(site.id(), site.hostnames(), site.timeZone().getId(), site.identityMode().code(),
                        site.retentionDays(), site.keyHash(), Instant.now())
                .setConsistencyLevel(consistency).setIdempotent(true));
    }

    public Optional<Site> find(String siteId) {
        Row row = session.execute(selectOne.bind(siteId).setConsistencyLevel(consistency)).one();
        return row == null ? Optional.empty() : Optional.of(toSite(row));
    }

    public List<Site> all() {
        List<Site> sites = new ArrayList<>();
        for (Row row : session.execute(selectAll.bind().setConsistencyLevel(consistency))) {
            sites.add(toSite(row));
        }
        return sites;
    }

    public void remove(String siteId) {
        session.execute(delete.bind(siteId).setConsistencyLevel(consistency).setIdempotent(true));
    }

    /**
     * The sites whose {@code raw_events} stripe count differs from the default (V004). Readers and
     * writers of {@code raw_events} use it through {@link Stripes#perSite}.
     */
    public java.util.Map<String, Integer> rawStripes() {
        java.util.Map<String, Integer> stripes = new java.util.HashMap<>();
        for (Row row : session.execute(selectRawStripes.bind().setConsistencyLevel(consistency))) {
            Integer count = row.get("raw_stripes", Integer.class);
            if (count != null) {
                stripes.put(row.getString("site_id"), count);
            }
        }
        return stripes;
    }

    /**
     * Gives a site its own number of {@code raw_events} stripes. Set it before the site's events
     * arrive, and never lower it: rows in stripes beyond a smaller count would not be read.
     */
    public void saveRawStripes(String siteId, int stripes) {
        if (stripes < 1 || stripes > Stripes.MAX_COUNT) {
            throw new IllegalArgumentException("raw stripes must be between 1 and " + Stripes.MAX_COUNT + ", not " + stripes);
        }
        session.execute(updateRawStripes.bind(stripes, siteId).setConsistencyLevel(consistency).setIdempotent(true));
    }

    private static Site toSite(Row row) {
        return new Site(row.getString("site_id"), row.getSet("hostnames", String.class), ZoneId.of(row.getString("time_zone")),
                IdentityMode.parse(row.getString("identity_mode")), row.getInt("retention_days"), row.getString("key_hash"));
    }
}

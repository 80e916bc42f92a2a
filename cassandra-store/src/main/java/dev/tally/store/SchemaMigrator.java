package dev.tally.store;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned CQL migrations under {@code dev/tally/store/cql/} to a keyspace, once each, in
 * version order, and records them in {@code <keyspace>.schema_migrations}. Running it again applies
 * only what is new; an applied migration whose text changed stops start-up.
 *
 * <p>DDL cannot take bind markers, so the keyspace name is validated before it is put into a statement;
 * everything else goes through prepared statements.
 */
public final class SchemaMigrator {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");
    private static final String RESOURCE_DIR = "dev/tally/store/cql/";
    /** Every migration, in order. A new one is added here and as a file. */
    static final List<String> MIGRATIONS = List.of("V001__raw_events.cql", "V002__sites_and_salts.cql", "V003__rollups_and_enriched_raw.cql",
            "V004__raw_stripes_per_site.cql", "V005__rollup_minutes.cql", "V006__rollup_hours_and_days.cql");

    private final CqlSession session;
    private final String keyspace;
    private final String replication;

    /**
     * @param replication the keyspace's replication map in CQL, for example
     *     {@code {'class': 'SimpleStrategy', 'replication_factor': 1}}
     */
    public SchemaMigrator(CqlSession session, String keyspace, String replication) {
        if (!KEYSPACE.matcher(keyspace).matches()) {
            throw new IllegalArgumentException("Keyspace name '" + keyspace + "' must match " + KEYSPACE.pattern());
        }
        this.session = session;
        this.keyspace = keyspace;
        this.replication = replication;
    }

    /** Applies what is missing and returns the number of migrations applied now. */
    public int migrate() {
        execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replication);
        execute("CREATE TABLE IF NOT EXISTS " + keyspace + ".schema_migrations ("
                + "version int PRIMARY KEY, description text, checksum text, applied_at timestamp)");
        Map<Integer, String> applied = appliedChecksums();
        PreparedStatement record = session.prepare("INSERT INTO " + keyspace
                + ".schema_migrations (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)");
        int count = 0;
        for (Migration migration : load()) {
            String previous = applied.get(migration.version());
            if (previous != null) {
                if (!previous.equals(migration.checksum())) {
                    throw new IllegalStateException("Migration V" + migration.version() + " (" + migration.description()
                            + ") was changed after it was applied to keyspace " + keyspace
                            + ": never edit an applied migration, add a new one instead");
                }
                continue;
            }
            for (String statement : migration.statements(keyspace)) {
                execute(statement);
            }
            session.execute(record.bind(migration.version(), migration.description(), migration.checksum(), Instant.now())
                    .setConsistencyLevel(ConsistencyLevel.QUORUM));
            LOG.info("Applied CQL migration V{} ({}) to keyspace {}", migration.version(), migration.description(), keyspace);
            count++;
        }
        return count;
    }

    private Map<Integer, String> appliedChecksums() {
        Map<Integer, String> applied = new HashMap<>();
        PreparedStatement select = session.prepare("SELECT version, checksum FROM " + keyspace + ".schema_migrations");
        for (Row row : session.execute(select.bind().setConsistencyLevel(ConsistencyLevel.QUORUM))) {
            applied.put(row.getInt("version"), row.getString("checksum"));
        }
        return applied;
    }

    private void execute(String ddl) {
        // Schema agreement before the next statement: on a cluster a following statement may reach a
        // node that has not seen the table yet.
        session.execute(SimpleStatement.newInstance(ddl).setTimeout(java.time.Duration.ofSeconds(30)));
        if (!session.checkSchemaAgreement()) {
            LOG.warn("Cassandra nodes do not agree on the schema after '{}'; check that every node is up", firstLine(ddl));
        }
    }

    static List<Migration> load() {
        return MIGRATIONS.stream().map(SchemaMigrator::read).toList();
    }

    private static Migration read(String fileName) {
        try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + fileName)) {
            if (in == null) {
                throw new IllegalStateException("Migration " + fileName + " is missing from the classpath");
            }
            return Migration.parse(fileName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}

package dev.tally.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationTest {
    @Test
    void splits_statements_drops_comments_and_fills_in_the_keyspace() {
        Migration migration = Migration.parse("V002__two_tables.cql", """
                -- first table
                CREATE TABLE IF NOT EXISTS ${keyspace}.a (id int PRIMARY KEY);

                -- second
                CREATE TABLE IF NOT EXISTS ${keyspace}.b (
                    id int PRIMARY KEY
                );
                """);

        assertThat(migration.version()).isEqualTo(2);
        assertThat(migration.description()).isEqualTo("two_tables");
        List<String> statements = migration.statements("ks1");
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0)).isEqualTo("CREATE TABLE IF NOT EXISTS ks1.a (id int PRIMARY KEY)");
        assertThat(statements.get(1)).startsWith("CREATE TABLE IF NOT EXISTS ks1.b (").doesNotContain("--");
    }

    @Test
    void the_checksum_changes_when_the_text_changes() {
        assertThat(Migration.parse("V001__x.cql", "A;").checksum()).isNotEqualTo(Migration.parse("V001__x.cql", "B;").checksum());
    }

    @Test
    void rejects_badly_named_files() {
        assertThatThrownBy(() -> Migration.parse("create.cql", "")).hasMessageContaining("V<version>__<description>.cql");
    }

    @Test
    void every_listed_migration_is_on_the_classpath_in_version_order() {
        List<Migration> migrations = SchemaMigrator.load();

        assertThat(migrations).isNotEmpty();
        assertThat(migrations).extracting(Migration::version).isSorted().doesNotHaveDuplicates();
        assertThat(migrations.get(0).statements("tally")).allSatisfy(s -> assertThat(s).doesNotContain("${keyspace}"));
    }

    @Test
    void rejects_keyspace_names_that_could_inject_cql() {
        assertThatThrownBy(() -> new SchemaMigrator(null, "tally; DROP KEYSPACE x", "{}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

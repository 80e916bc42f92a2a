package dev.tally.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.Test;

import dev.tally.schemas.avro.RollupKey;

class SchemaHistoryTest {

    /**
     * Fingerprints of every released version. A released file must never change, so a new version adds a
     * line here; an edited old file fails {@link #released_versions_are_never_edited()}.
     */
    private static final Map<String, List<String>> RELEASED = Map.of(
            "TrackedEvent", List.of("eafc3a639a6f7b39"),
            "EnrichedEvent", List.of("73636834d45dbac5"),
            "RollupKey", List.of("5499e7b7eb0850e7"),
            "Rollup", List.of("732daca7a10056d5"));

    private final SchemaHistory history = SchemaHistory.load();

    @Test
    void every_released_version_is_readable_by_the_current_schema() {
        for (Schema current : SchemaHistory.currentSchemas()) {
            List<Schema> versions = history.versions(current.getName());
            for (int i = 0; i < versions.size(); i++) {
                SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(current, versions.get(i));
                assertThat(result.getType())
                        .as("current %s reading history v%d: %s", current.getName(), i + 1, result.getDescription())
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            }
        }
    }

    @Test
    void the_newest_released_version_is_the_current_schema() {
        for (Schema current : SchemaHistory.currentSchemas()) {
            assertThat(fingerprint(history.latest(current.getName())))
                    .as("%s changed: add history/%s/v%d.avsc equal to the new schema", current.getName(),
                            current.getName(), history.versions(current.getName()).size() + 1)
                    .isEqualTo(fingerprint(current));
        }
    }

    @Test
    void released_versions_are_never_edited() {
        Map<String, List<String>> loaded = new LinkedHashMap<>();
        history.versions().forEach((name, versions) ->
                loaded.put(name, versions.stream().map(SchemaHistoryTest::fingerprint).toList()));

        assertThat(loaded).isEqualTo(RELEASED);
    }

    @Test
    void the_rollup_key_schema_is_frozen_at_its_first_version() {
        assertThat(history.versions("RollupKey")).hasSize(1);
        assertThat(fingerprint(RollupKey.getClassSchema())).isEqualTo(RELEASED.get("RollupKey").get(0));
    }

    @Test
    void the_released_store_resolves_every_historical_version() {
        TallySchemaStore store = TallySchemaStore.released();

        for (List<Schema> versions : history.versions().values()) {
            for (Schema version : versions) {
                assertThat(store.findByFingerprint(TallySchemaStore.fingerprint(version))).isNotNull();
            }
        }
        assertThat(store.findByFingerprint(42L)).isNull();
    }

    @Test
    void every_field_of_every_record_has_a_doc() {
        List<String> undocumented = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Schema current : SchemaHistory.currentSchemas()) {
            collectUndocumented(current, seen, undocumented);
        }

        assertThat(undocumented).isEmpty();
    }

    private static void collectUndocumented(Schema schema, Set<String> seen, List<String> undocumented) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (isBlank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
                for (Schema.Field field : schema.getFields()) {
                    if (isBlank(field.doc())) {
                        undocumented.add(schema.getName() + "." + field.name());
                    }
                    collectUndocumented(field.schema(), seen, undocumented);
                }
            }
            case ENUM -> {
                if (seen.add(schema.getFullName()) && isBlank(schema.getDoc())) {
                    undocumented.add(schema.getFullName());
                }
            }
            case UNION -> schema.getTypes().forEach(branch -> collectUndocumented(branch, seen, undocumented));
            case ARRAY -> collectUndocumented(schema.getElementType(), seen, undocumented);
            case MAP -> collectUndocumented(schema.getValueType(), seen, undocumented);
            default -> {
            }
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private static String fingerprint(Schema schema) {
        return String.format(Locale.ROOT, "%016x", TallySchemaStore.fingerprint(schema));
    }
}

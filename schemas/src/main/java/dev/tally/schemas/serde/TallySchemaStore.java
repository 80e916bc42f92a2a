package dev.tally.schemas.serde;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Immutable {@link SchemaStore}: writer schemas by their 64-bit single-object fingerprint
 * (CRC-64-AVRO of the parsing canonical form). {@link #released()} holds every version in
 * {@link SchemaHistory}; {@link #with(Schema)} makes a copy that also knows one more schema.
 */
public final class TallySchemaStore implements SchemaStore {

    private final Map<Long, Schema> byFingerprint;

    private TallySchemaStore(Map<Long, Schema> byFingerprint) {
        this.byFingerprint = Map.copyOf(byFingerprint);
    }

    /** Every released version of every Tally record, loaded once from the classpath. */
    public static TallySchemaStore released() {
        return Released.STORE;
    }

    /** A store of exactly these schemas. */
    public static TallySchemaStore of(Collection<Schema> schemas) {
        Map<Long, Schema> map = new LinkedHashMap<>();
        for (Schema schema : schemas) {
            // Equal canonical forms are the same writer schema; the first one is as good as any.
            map.putIfAbsent(fingerprint(schema), Objects.requireNonNull(schema, "schema"));
        }
        return new TallySchemaStore(map);
    }

    /** A copy of this store that also resolves {@code schema}. */
    public TallySchemaStore with(Schema schema) {
        Map<Long, Schema> map = new LinkedHashMap<>(byFingerprint);
        map.putIfAbsent(fingerprint(schema), Objects.requireNonNull(schema, "schema"));
        return new TallySchemaStore(map);
    }

    /** The single-object fingerprint of {@code schema}, as written after the {@code C3 01} marker. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return byFingerprint.get(fingerprint);
    }

    /** Number of distinct schemas in the store. */
    public int size() {
        return byFingerprint.size();
    }

    /** Loaded on first use, not when the class is. */
    private static final class Released {
        static final TallySchemaStore STORE = of(allVersions());

        private static List<Schema> allVersions() {
            return SchemaHistory.load().versions().values().stream().flatMap(List::stream).toList();
        }
    }
}

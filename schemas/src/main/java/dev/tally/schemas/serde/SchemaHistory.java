package dev.tally.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.Rollup;
import dev.tally.schemas.avro.RollupKey;
import dev.tally.schemas.avro.TrackedEvent;

/**
 * Every released version of each top-level record, read from the classpath at
 * {@code dev/tally/schemas/history/<RecordName>/v<N>.avsc}. Versions are numbered from 1 without gaps;
 * loading a record stops at the first missing number. Each file is a complete, self-contained schema
 * (nested types inlined) and is never edited once released: a change adds the next version.
 */
public final class SchemaHistory {

    static final String ROOT = "/dev/tally/schemas/history/";

    private final Map<String, List<Schema>> versions;

    private SchemaHistory(Map<String, List<Schema>> versions) {
        this.versions = versions;
    }

    /** The current (generated) schema of each top-level record that has a history. */
    public static List<Schema> currentSchemas() {
        return List.of(TrackedEvent.getClassSchema(), EnrichedEvent.getClassSchema(),
                RollupKey.getClassSchema(), Rollup.getClassSchema());
    }

    /**
     * Reads the history of every record in {@link #currentSchemas()}.
     *
     * @throws IllegalStateException if a record has no v1 or a version does not parse
     */
    public static SchemaHistory load() {
        Map<String, List<Schema>> versions = new LinkedHashMap<>();
        for (Schema current : currentSchemas()) {
            versions.put(current.getName(), loadVersions(current.getName()));
        }
        return new SchemaHistory(Map.copyOf(versions));
    }

    private static List<Schema> loadVersions(String recordName) {
        List<Schema> found = new ArrayList<>();
        for (int version = 1; ; version++) {
            String resource = ROOT + recordName + "/v" + version + ".avsc";
            try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
                if (in == null) {
                    break;
                }
                // A fresh parser per file: every version defines the same names.
                found.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history " + resource, e);
            } catch (SchemaParseException e) {
                throw new IllegalStateException("Schema history " + resource + " does not parse: " + e.getMessage(), e);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("No schema history for " + recordName + ": expected " + ROOT
                    + recordName + "/v1.avsc on the classpath");
        }
        return List.copyOf(found);
    }

    /** Released versions of one record, oldest (v1) first. */
    public List<Schema> versions(String recordName) {
        List<Schema> list = versions.get(recordName);
        if (list == null) {
            throw new IllegalArgumentException("No schema history for record " + recordName);
        }
        return list;
    }

    /** Released versions of every record, by record name, oldest first. */
    public Map<String, List<Schema>> versions() {
        return versions;
    }

    /** The newest released version of one record. */
    public Schema latest(String recordName) {
        List<Schema> list = versions(recordName);
        return list.get(list.size() - 1);
    }
}

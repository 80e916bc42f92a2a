package dev.tally.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code endpoints.json} into the data directory: the addresses actually in use, for scripts and
 * for the commands that talk to a running stack ({@link #read}). Written to a temporary file and moved
 * into place, so a reader never sees half a file.
 */
final class EndpointsFile {
    static final String NAME = "endpoints.json";

    private EndpointsFile() {}

    static Path write(Path dataDir, Map<String, String> endpoints) {
        StringBuilder json = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, String> entry : endpoints.entrySet()) {
            json.append("  ").append(quote(entry.getKey())).append(": ").append(quote(entry.getValue()));
            json.append(++i < endpoints.size() ? ",\n" : "\n");
        }
        json.append("}\n");
        Path target = dataDir.resolve(NAME);
        try {
            Path temporary = Files.createTempFile(dataDir, "endpoints", ".json");
            Files.writeString(temporary, json, StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + target, e);
        }
        return target;
    }

    /** The endpoints of the stack running on {@code dataDir}, by name; fails if no stack wrote the file. */
    static Map<String, String> read(Path dataDir) throws IOException {
        Map<String, String> endpoints = new LinkedHashMap<>();
        new ObjectMapper().readTree(dataDir.resolve(NAME).toFile()).fields()
                .forEachRemaining(field -> endpoints.put(field.getKey(), field.getValue().asText()));
        return endpoints;
    }

    static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(dataDir.resolve(NAME));
        } catch (IOException e) {
            // Only a convenience for scripts; a stale file names ports nothing listens on.
        }
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}

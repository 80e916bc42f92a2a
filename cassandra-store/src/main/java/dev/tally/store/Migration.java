package dev.tally.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One versioned CQL script, {@code V<version>__<description>.cql}: statements separated by ';',
 * {@code --} comments, and {@code ${keyspace}} where the keyspace name goes.
 */
record Migration(int version, String description, String script) {
    private static final Pattern FILE_NAME = Pattern.compile("V(\\d{3,})__([a-z0-9_]+)\\.cql");

    static Migration parse(String fileName, String script) {
        Matcher matcher = FILE_NAME.matcher(fileName);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Migration file " + fileName + " is not named V<version>__<description>.cql");
        }
        return new Migration(Integer.parseInt(matcher.group(1)), matcher.group(2), script);
    }

    /** The statements with the keyspace filled in, comments and blank lines removed. */
    List<String> statements(String keyspace) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.startsWith("--") && !trimmed.isEmpty()) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : withoutComments.toString().replace("${keyspace}", keyspace).split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }

    /** Detects an applied migration whose file was edited afterwards. */
    String checksum() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

package dev.tally.deploy.cluster;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/** Checks shared by the settings records; each failure names the setting. */
final class Validation {

    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

    private Validation() {
    }

    static Path absoluteDir(Path dir, String setting) {
        return Objects.requireNonNull(dir, setting + " must be set").toAbsolutePath().normalize();
    }

    static String host(String host, String setting) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException(setting + " must be a host name or address, not blank");
        }
        return host;
    }

    static void port(int port, String setting) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(setting + " must be between 1 and 65535, not " + port);
        }
    }

    static String heapSize(String size, String setting) {
        if (size == null || !HEAP_SIZE.matcher(size).matches()) {
            throw new IllegalArgumentException(setting + " must be a JVM heap size such as 512m or 1g, not "
                    + size);
        }
        return size;
    }
}

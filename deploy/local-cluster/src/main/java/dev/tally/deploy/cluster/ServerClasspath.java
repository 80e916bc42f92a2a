package dev.tally.deploy.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Class path of a server child JVM. In: the resource {@code dev/tally/deploy/<server>.classpath} that the
 * {@code deploy/<server>} module records at build time (absolute jar paths in the local Maven
 * repository, separated by ':'). Out: that class path plus the location of this module's classes, so the
 * child can run {@link ParentWatchdog}.
 */
final class ServerClasspath {

    static final String KAFKA = "kafka-server";
    static final String CASSANDRA = "cassandra-server";

    private ServerClasspath() {
    }

    static String of(String server) {
        String resource = "dev/tally/deploy/" + server + ".classpath";
        String recorded;
        try (InputStream in = ServerClasspath.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path. Build it with"
                        + " `mvn -pl deploy/" + server + " install` and depend on tally-" + server + ".");
            }
            recorded = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("Could not read " + resource + ": " + e.getMessage(), e);
        }
        // The jars live in ~/.m2, which a clean-up may have emptied since the build.
        for (String entry : recorded.split(File.pathSeparator)) {
            if (!entry.isBlank() && !Files.exists(Path.of(entry))) {
                throw new IllegalStateException(entry + " (recorded in " + resource + ") does not exist."
                        + " Download the server's jars again with `mvn -pl deploy/" + server + " install`.");
            }
        }
        return recorded + File.pathSeparator + ownCodeLocation();
    }

    /** target/classes when run from the build, the jar when run from a dependency. */
    static Path ownCodeLocation() {
        CodeSource source = ParentWatchdog.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("Cannot tell where " + ParentWatchdog.class.getName()
                    + " was loaded from, so the server child JVM could not run it");
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Unusable code location " + source.getLocation(), e);
        }
    }
}

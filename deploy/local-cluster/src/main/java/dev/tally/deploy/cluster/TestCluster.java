package dev.tally.deploy.cluster;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.ProgrammaticDriverConfigLoaderBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cluster shared by all integration tests of one JVM.
 *
 * <p>Out: a {@link LocalCluster} started on the first call, on free ports in a fresh temporary directory,
 * and stopped (its directory deleted) by a shutdown hook when the JVM exits. Tests share it, so each
 * test names its topics and keyspaces with {@link #uniqueName}. If the start fails, every later call
 * fails at once with the same cause, and the directory is kept for its logs.
 */
public final class TestCluster {

    private static final Logger LOG = LoggerFactory.getLogger(TestCluster.class);

    /** A CQL unquoted identifier that is also a legal Kafka topic name. */
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*");
    private static final int SUFFIX_LENGTH = 12;
    static final int MAX_NAME_LENGTH = 40;
    private static final char[] SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private static LocalCluster shared;
    private static RuntimeException startFailure;

    private TestCluster() {
    }

    /** The cluster, started on first use. Do not close it: the JVM's shutdown hook does. */
    public static synchronized LocalCluster shared() {
        if (shared != null) {
            return shared;
        }
        if (startFailure != null) {
            throw new IllegalStateException("The shared test cluster failed to start earlier in this JVM",
                    startFailure);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("tally-it-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for the test cluster", e);
        }
        try {
            shared = LocalCluster.start(LocalClusterSettings.onFreePorts(dir));
        } catch (RuntimeException e) {
            startFailure = e;
            throw e;
        }
        LocalCluster cluster = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            deleteRecursively(dir);
        }, "test-cluster-stop"));
        return cluster;
    }

    /**
     * {@code prefix} plus a random suffix: a valid Kafka topic name and CQL keyspace or table name,
     * unique enough that tests sharing the cluster never collide.
     *
     * @param prefix lowercase letters, digits and underscores, starting with a letter, e.g. {@code "it_"}
     */
    public static String uniqueName(String prefix) {
        int maxPrefix = MAX_NAME_LENGTH - SUFFIX_LENGTH;
        if (prefix == null || !PREFIX.matcher(prefix).matches() || prefix.length() > maxPrefix) {
            throw new IllegalArgumentException("prefix must be lowercase letters, digits and underscores,"
                    + " start with a letter and be at most " + maxPrefix + " characters, not " + prefix);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder name = new StringBuilder(prefix);
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            name.append(SUFFIX_CHARS[random.nextInt(SUFFIX_CHARS.length)]);
        }
        return name.toString();
    }

    /**
     * Driver settings for tests, to pass to {@code sessionBuilder().withConfigLoader(...build())}: DDL
     * does not wait 2.5 s for schema events to settle, and closing a session does not idle 2 s.
     */
    public static ProgrammaticDriverConfigLoaderBuilder testDriverConfig() {
        return DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10))
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0);
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete the test cluster directory {}: {}", dir, e.toString());
        }
    }
}

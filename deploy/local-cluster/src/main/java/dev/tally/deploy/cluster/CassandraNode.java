package dev.tally.deploy.cluster;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single Cassandra node in a child JVM.
 *
 * <p>In: {@link CassandraSettings}. cassandra.yaml and logback.xml are rewritten on every start; data,
 * commit log and hints are kept. Out: a node in datacenter {@value CassandraConfig#DATACENTER} that
 * answers CQL on {@link #cqlAddress()}. Its output goes to {@code <dataDir>/logs/cassandra.out}, its INFO
 * log to {@code <dataDir>/logs/system.log}.
 */
public final class CassandraNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CassandraNode.class);

    static final String NAME = "Cassandra node";
    private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final List<String> DRIVER_CLASSES_TO_PRELOAD = List.of(
            "com.datastax.oss.driver.internal.core.context.DefaultDriverContext",
            "com.datastax.oss.driver.internal.core.session.DefaultSession",
            "com.datastax.oss.driver.internal.core.control.ControlConnection",
            "com.datastax.oss.driver.internal.core.channel.ChannelFactory",
            "com.datastax.oss.driver.internal.core.type.codec.registry.DefaultCodecRegistry",
            "com.datastax.oss.driver.internal.core.protocol.ByteBufPrimitiveCodec",
            "io.netty.channel.nio.NioEventLoopGroup",
            "io.netty.channel.socket.nio.NioSocketChannel",
            "io.netty.buffer.PooledByteBufAllocator");

    private final CassandraSettings settings;
    /** Replaced by {@link #restart}; the node object stays the same for everyone holding it. */
    private volatile ChildProcess process;

    private CassandraNode(CassandraSettings settings, ChildProcess process) {
        this.settings = settings;
        this.process = process;
    }

    /**
     * Starts the node and returns once a CQL session connects and reads {@code system.local}. Fails
     * with a {@link ServerStartException} naming the output file if a port is taken, the child exits,
     * or it is not ready within {@code readyTimeout}; the child is stopped in every such case.
     */
    public static CassandraNode start(CassandraSettings settings, Duration readyTimeout) {
        return new CassandraNode(settings, launch(settings, readyTimeout));
    }

    /** Starts the child and waits until it answers CQL; out: the running child. */
    private static ChildProcess launch(CassandraSettings settings, Duration readyTimeout) {
        long started = System.nanoTime();
        Instant deadline = Instant.now().plus(readyTimeout);
        CassandraConfig config = new CassandraConfig(settings);
        FreePorts.requireFree(NAME, settings.host(), config.ports());
        writeConfig(config);
        String classpath = ServerClasspath.of(ServerClasspath.CASSANDRA);

        LOG.info("Starting the {} on {}:{} (data in {}, output in {})", NAME, settings.host(),
                settings.cqlPort(), settings.dataDir(), config.outputFile());
        ChildProcess process = ChildProcess.start(NAME,
                ChildProcess.command(config.jvmOptions(), classpath, MAIN_CLASS, List.of()),
                config.outputFile());
        warmUpDriver();
        String version;
        try {
            version = awaitReady(process, settings, deadline);
        } catch (RuntimeException e) {
            process.stop();
            throw e;
        }
        LOG.info("Cassandra {} ready on {}:{} in {} s (pid {})", version, settings.host(), settings.cqlPort(),
                ChildProcess.seconds(Duration.ofNanos(System.nanoTime() - started)), process.pid());
        return process;
    }

    private static void writeConfig(CassandraConfig config) {
        try {
            for (Path dir : config.directories()) {
                Files.createDirectories(dir);
            }
            Files.writeString(config.yamlFile(), config.yamlText(), StandardCharsets.UTF_8);
            Files.writeString(config.logbackFile(), config.logbackText(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ServerStartException("Cannot write the Cassandra configuration under "
                    + config.configDir() + ": " + e.getMessage(), List.of(), e);
        }
    }

    /**
     * Loads and initialises the driver's classes while the node starts: measured on two cores, the
     * first probe after the CQL port opens then takes about 1.8 s instead of 2.8 s.
     */
    private static void warmUpDriver() {
        Thread warmUp = new Thread(() -> {
            try {
                probeConfig().getInitialConfig();
                for (String name : DRIVER_CLASSES_TO_PRELOAD) {
                    Class.forName(name, true, CassandraNode.class.getClassLoader());
                }
            } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
                LOG.debug("Driver warm-up failed; the first probe will be slower: {}", e.toString());
            }
        }, "cql-driver-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** Out: the node's release version. */
    private static String awaitReady(ChildProcess process, CassandraSettings settings, Instant deadline) {
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.cqlPort());
        // The CQL port opens last in start-up; before that a session would only log connection errors.
        process.awaitReady(deadline, () -> FreePorts.accepts(settings.host(), settings.cqlPort()),
                () -> "nothing accepts CQL connections on " + settings.host() + ":" + settings.cqlPort());

        LOG.debug("CQL port {} open", settings.cqlPort());
        AtomicReference<String> version = new AtomicReference<>();
        AtomicReference<String> lastProblem = new AtomicReference<>("no answer yet");
        process.awaitReady(deadline, () -> {
            try (CqlSession session = CqlSession.builder()
                    .addContactPoint(address)
                    .withLocalDatacenter(CassandraConfig.DATACENTER)
                    .withConfigLoader(probeConfig())
                    .build()) {
                Row row = session.execute("SELECT release_version FROM system.local").one();
                version.set(row == null ? "?" : row.getString("release_version"));
                return true;
            } catch (DriverException e) {
                LOG.debug("CQL probe of {} failed: {}", address, e.toString());
                lastProblem.set(e.toString());
                return false;
            }
        }, () -> "CQL queries to " + settings.host() + ":" + settings.cqlPort() + " failed: " + lastProblem.get());
        return version.get();
    }

    /**
     * Short timeouts, and no schema or token metadata: a probe needs neither. No quiet period when
     * closing, which otherwise adds 2 s to every probe.
     */
    private static DriverConfigLoader probeConfig() {
        return DriverConfigLoader.programmaticBuilder()
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, PROBE_TIMEOUT)
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, PROBE_TIMEOUT)
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, PROBE_TIMEOUT)
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, PROBE_TIMEOUT)
                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                .build();
    }

    /** The CQL contact point. */
    public InetSocketAddress cqlAddress() {
        return new InetSocketAddress(settings.host(), settings.cqlPort());
    }

    /** The node's datacenter, {@value CassandraConfig#DATACENTER}, for the driver's load balancing. */
    public String localDatacenter() {
        return CassandraConfig.DATACENTER;
    }

    /** A builder with the contact point and local datacenter set; add a keyspace or configuration. */
    public CqlSessionBuilder sessionBuilder() {
        return CqlSession.builder().addContactPoint(cqlAddress()).withLocalDatacenter(localDatacenter());
    }

    public CassandraSettings settings() {
        return settings;
    }

    /** The node's process id. */
    public long pid() {
        return process.pid();
    }

    /** Whether the node process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code <dataDir>/logs/cassandra.out}: the node's stdout and stderr. */
    public Path outputFile() {
        return process.outputFile();
    }

    /** SIGKILL, as in a crash; returns once the process is gone. */
    public void kill() {
        process.kill();
    }

    /**
     * Stops the node (SIGTERM, then SIGKILL after 30 s) and keeps its data directory, so that
     * {@link #restart} brings it back with its data: an outage, for tests of what depends on it.
     */
    public void stop() {
        process.stop();
    }

    /**
     * Starts the node again after {@link #stop} or {@link #kill}, on the same ports and data directory,
     * and returns once it answers CQL. Clients that kept their sessions reconnect by themselves.
     *
     * @throws IllegalStateException if the node is still running
     * @throws ServerStartException as {@link #start}
     */
    public synchronized void restart(Duration readyTimeout) {
        if (process.isAlive()) {
            throw new IllegalStateException("The " + NAME + " (pid " + process.pid() + ") is still running; stop it first");
        }
        process = launch(settings, readyTimeout);
    }

    /** SIGTERM (the node drains and flushes), then SIGKILL after 30 s. Harmless if already stopped. */
    @Override
    public void close() {
        process.stop();
    }
}

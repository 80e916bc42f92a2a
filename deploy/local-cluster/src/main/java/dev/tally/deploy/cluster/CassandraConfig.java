package dev.tally.deploy.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files and JVM options of a single Cassandra node, as text. In: {@link CassandraSettings}. Out: the
 * layout under the data directory, cassandra.yaml, logback.xml and the JVM options. No I/O.
 */
final class CassandraConfig {

    static final String DATACENTER = "datacenter1";

    /**
     * Cassandra 5.0's conf/jvm17-server.options, module section: the node reaches into JDK internals
     * (off-heap memory, file descriptors, attach) and fails at start-up without these.
     */
    private static final List<String> JDK17_MODULE_OPTIONS = List.of(
            "-Djdk.attach.allowAttachSelf=true",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
            "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            // Same file: direct buffers through Unsafe, and Netty's allocator defaults before 4.1.75.
            "-Dio.netty.tryReflectionSetAccessible=true",
            "-Dio.netty.allocator.useCacheForAllThreads=true",
            "-Dio.netty.allocator.maxOrder=11");

    private final CassandraSettings settings;

    CassandraConfig(CassandraSettings settings) {
        this.settings = settings;
    }

    Path configDir() {
        return settings.dataDir().resolve("conf");
    }

    Path yamlFile() {
        return configDir().resolve("cassandra.yaml");
    }

    Path logbackFile() {
        return configDir().resolve("logback.xml");
    }

    Path dataDir() {
        return settings.dataDir().resolve("data");
    }

    Path commitLogDir() {
        return settings.dataDir().resolve("commitlog");
    }

    Path savedCachesDir() {
        return settings.dataDir().resolve("saved_caches");
    }

    Path hintsDir() {
        return settings.dataDir().resolve("hints");
    }

    Path cdcRawDir() {
        return settings.dataDir().resolve("cdc_raw");
    }

    /** Cassandra refuses to start unless its triggers directory exists; it stays empty. */
    Path triggersDir() {
        return settings.dataDir().resolve("triggers");
    }

    Path logsDir() {
        return settings.dataDir().resolve("logs");
    }

    /** The child's stdout and stderr: WARN and above, and anything the JVM itself prints. */
    Path outputFile() {
        return logsDir().resolve("cassandra.out");
    }

    /** The node's INFO log. */
    Path systemLog() {
        return logsDir().resolve("system.log");
    }

    /** The ports the node binds, named for error messages. */
    List<FreePorts.NamedPort> ports() {
        return List.of(new FreePorts.NamedPort("CQL port", settings.cqlPort()),
                new FreePorts.NamedPort("Cassandra storage port", settings.storagePort()));
    }

    List<Path> directories() {
        return List.of(configDir(), dataDir(), commitLogDir(), savedCachesDir(), hintsDir(), cdcRawDir(),
                triggersDir(), logsDir());
    }

    String yamlText() {
        String host = settings.host();
        return """
                # Written by Tally's local cluster on every start; edits are overwritten.
                cluster_name: 'Tally local'
                partitioner: org.apache.cassandra.dht.Murmur3Partitioner
                # SimpleSnitch puts the node in datacenter1, the driver's local datacenter.
                endpoint_snitch: SimpleSnitch
                seed_provider:
                  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                    parameters:
                      - seeds: %1$s
                listen_address: %2$s
                rpc_address: %2$s
                storage_port: %3$d
                native_transport_port: %4$d
                start_native_transport: true

                data_file_directories:
                  - %5$s
                commitlog_directory: %6$s
                saved_caches_directory: %7$s
                hints_directory: %8$s
                cdc_raw_directory: %9$s

                commitlog_sync: periodic
                commitlog_sync_period: 10000ms

                # One node: one token, no one to hand hints to, no replicas to snapshot for.
                num_tokens: 1
                hinted_handoff_enabled: false
                auto_snapshot: false

                # A small machine shared with Kafka and the services.
                memtable_heap_space: 128MiB
                memtable_offheap_space: 128MiB
                concurrent_reads: 8
                concurrent_writes: 8
                concurrent_counter_writes: 8
                concurrent_compactors: 1
                """.formatted(
                ConfigText.yaml(host + ":" + settings.storagePort()),
                ConfigText.yaml(host),
                settings.storagePort(),
                settings.cqlPort(),
                ConfigText.yaml(dataDir().toString()),
                ConfigText.yaml(commitLogDir().toString()),
                ConfigText.yaml(savedCachesDir().toString()),
                ConfigText.yaml(hintsDir().toString()),
                ConfigText.yaml(cdcRawDir().toString()));
    }

    /**
     * INFO and above to a rolling system.log, WARN and above also to stdout (hence cassandra.out).
     * Without a configuration Cassandra logs DEBUG to the console.
     */
    String logbackText() {
        String log = ConfigText.xml(systemLog().toString());
        String pattern = "%-5level [%thread] %date{ISO8601} %F:%L - %msg%n";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by Tally's local cluster on every start; edits are overwritten. -->
                <configuration scan="false">
                  <appender name="FILE" class="ch.qos.logback.core.rolling.RollingFileAppender">
                    <file>%1$s</file>
                    <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
                      <fileNamePattern>%1$s.%%i.zip</fileNamePattern>
                      <minIndex>1</minIndex>
                      <maxIndex>5</maxIndex>
                    </rollingPolicy>
                    <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
                      <maxFileSize>50MB</maxFileSize>
                    </triggeringPolicy>
                    <encoder>
                      <pattern>%2$s</pattern>
                    </encoder>
                  </appender>
                  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                    <filter class="ch.qos.logback.classic.filter.ThresholdFilter">
                      <level>WARN</level>
                    </filter>
                    <encoder>
                      <pattern>%2$s</pattern>
                    </encoder>
                  </appender>
                  <root level="INFO">
                    <appender-ref ref="FILE"/>
                    <appender-ref ref="STDOUT"/>
                  </root>
                </configuration>
                """.formatted(log, pattern);
    }

    List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of(
                // A small -Xms: as root, Cassandra mlocks what is mapped, so a large one costs seconds and RSS.
                "-Xms256m",
                "-Xmx" + settings.maxHeap(),
                "-XX:+UseG1GC",
                "-XX:+ParallelRefProcEnabled",
                "-XX:MaxTenuringThreshold=1",
                "-XX:MaxGCPauseMillis=300",
                // Cassandra warns that a node limping on after an OutOfMemoryError can corrupt data.
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Djava.net.preferIPv4Stack=true"));
        options.addAll(JDK17_MODULE_OPTIONS);
        options.addAll(List.of(
                "-Dcassandra-foreground=yes",
                "-Dcassandra.config=" + yamlFile().toUri(),
                "-Dcassandra.storagedir=" + settings.dataDir(),
                "-Dcassandra.logdir=" + logsDir(),
                "-Dlogback.configurationFile=" + logbackFile(),
                "-Dcassandra.triggers_dir=" + triggersDir(),
                // Start-up: skip a 2 s memtable overhead estimate, and the waits for other nodes that a
                // single node never needs.
                "-Dcassandra.memtable.row_overhead_size=180",
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.ring_delay_ms=1000",
                "-Dcassandra.initial_token=0",
                // Stop: no one to announce the shutdown to, no connections to drain gracefully.
                "-Dcassandra.shutdown_announce_in_ms=0",
                "-Dcassandra.test.messagingService.nonGracefulShutdown=true"));
        return List.copyOf(options);
    }
}

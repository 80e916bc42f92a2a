package dev.tally.deploy.cluster;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The files and JVM options of a single-node Kafka broker, as text. In: {@link KafkaSettings}. Out: the
 * layout under the data directory, server.properties, the log4j2 configuration and the JVM options.
 * No I/O.
 */
final class KafkaConfig {

    private final KafkaSettings settings;

    KafkaConfig(KafkaSettings settings) {
        this.settings = settings;
    }

    Path configDir() {
        return settings.dataDir().resolve("config");
    }

    Path serverProperties() {
        return configDir().resolve("server.properties");
    }

    Path log4jConfig() {
        return configDir().resolve("log4j2.xml");
    }

    /** log.dirs; KRaft keeps its metadata log and meta.properties here too. */
    Path logDir() {
        return settings.dataDir().resolve("data");
    }

    Path metaProperties() {
        return logDir().resolve("meta.properties");
    }

    Path logsDir() {
        return settings.dataDir().resolve("logs");
    }

    /** The child's stdout and stderr: WARN and above, and anything the JVM itself prints. */
    Path outputFile() {
        return logsDir().resolve("kafka.out");
    }

    /** The broker's INFO log. */
    Path serverLog() {
        return logsDir().resolve("server.log");
    }

    /** The ports the broker binds, named for error messages. */
    List<FreePorts.NamedPort> ports() {
        return List.of(new FreePorts.NamedPort("Kafka port", settings.port()),
                new FreePorts.NamedPort("Kafka controller port", settings.controllerPort()));
    }

    String bootstrapServers() {
        return settings.host() + ":" + settings.port();
    }

    Map<String, String> serverPropertiesMap() {
        String host = settings.host();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", host + ":" + settings.controllerPort());
        p.put("listeners", "PLAINTEXT://" + host + ":" + settings.port() + ",CONTROLLER://" + host + ":"
                + settings.controllerPort());
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + settings.port() + ",CONTROLLER://" + host
                + ":" + settings.controllerPort());
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", logDir().toString());
        p.put("num.partitions", "6");
        // One broker: every internal topic must make do with one replica, or it is never created.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // No other member will join: a first rebalance need not wait for one.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose, with their partition count; a typo must not create one.
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    String serverPropertiesText() {
        return "# Written by Tally's local cluster on every start; edits are overwritten.\n"
                + serverPropertiesMap().entrySet().stream()
                        .map(e -> e.getKey() + "=" + escapeProperty(e.getValue()))
                        .collect(Collectors.joining("\n", "", "\n"));
    }

    /**
     * INFO and above to a rolling server.log, WARN and above also to stdout (hence kafka.out). Log4j's
     * own shutdown hook is off: it races the broker's and loses the last lines.
     */
    String log4jConfigText() {
        String log = ConfigText.xml(serverLog().toString());
        String pattern = "[%d] %p %m (%c)%n";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by Tally's local cluster on every start; edits are overwritten. -->
                <Configuration status="WARN" shutdownHook="disable">
                  <Appenders>
                    <Console name="stdout" target="SYSTEM_OUT">
                      <ThresholdFilter level="WARN" onMatch="ACCEPT" onMismatch="DENY"/>
                      <PatternLayout pattern="%2$s"/>
                    </Console>
                    <RollingFile name="file" fileName="%1$s" filePattern="%1$s.%%i">
                      <PatternLayout pattern="%2$s"/>
                      <SizeBasedTriggeringPolicy size="50 MB"/>
                      <DefaultRolloverStrategy max="5"/>
                    </RollingFile>
                  </Appenders>
                  <Loggers>
                    <Root level="INFO">
                      <AppenderRef ref="file"/>
                      <AppenderRef ref="stdout"/>
                    </Root>
                  </Loggers>
                </Configuration>
                """.formatted(log, pattern);
    }

    List<String> jvmOptions() {
        return List.of(
                "-Xms256m",
                "-Xmx" + settings.maxHeap(),
                "-XX:+UseG1GC",
                // Kafka's own start script's G1 settings.
                "-XX:MaxGCPauseMillis=20",
                "-XX:InitiatingHeapOccupancyPercent=35",
                "-XX:+ExplicitGCInvokesConcurrent",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + log4jConfig());
    }

    List<String> serverArgs() {
        return List.of(serverProperties().toString());
    }

    List<String> formatArgs(String clusterId) {
        return List.of("format", "-t", clusterId, "-c", serverProperties().toString(), "--standalone");
    }

    /** The cluster id in a meta.properties file's text, if any. */
    static Optional<String> clusterId(String metaProperties) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(metaProperties));
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable meta.properties: " + e.getMessage(), e);
        }
        return Optional.ofNullable(properties.getProperty("cluster.id")).map(String::strip)
                .filter(id -> !id.isEmpty());
    }

    private static String escapeProperty(String value) {
        return value.replace("\\", "\\\\");
    }
}

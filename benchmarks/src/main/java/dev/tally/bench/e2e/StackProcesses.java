package dev.tally.bench.e2e;

import dev.tally.bench.proc.JavaChild;
import dev.tally.common.config.ConfigSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four services, each in a JVM of its own, configured as {@code ./tally run --demo} configures them
 * in its one JVM ({@code StackServices.settingsFor} plus the demo's trusted loopback proxy), through
 * {@code TALLY_*} environment variables. Separate JVMs let the benchmark read CPU and resident memory
 * per service from {@code /proc}; one JVM would share a heap, a GC and JIT threads between them.
 *
 * <p>The gateway starts last, as in the launcher: once it answers, everything behind it runs. The
 * others start side by side and must all answer {@code /readyz} first.
 */
final class StackProcesses implements AutoCloseable {
    /** What the gateway must trust for the generator's {@code X-Forwarded-For} (each simulated visitor's address). */
    static final String TRUSTED_LOOPBACK = "127.0.0.1/32,::1/128";
    /** Generous: on a busy 2-core machine a JVM loading the aggregator's user-agent rules took minutes. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(10);

    /** One service: its name in reports, main class, heap, and the key of its HTTP (or admin) port. */
    record Service(String name, String mainClass, String portKey) {}

    static final List<Service> SERVICES = List.of(
            new Service(EndToEndBenchmark.SINK, "dev.tally.sink.SinkApp", "sink.admin.port"),
            new Service(EndToEndBenchmark.AGGREGATOR, "dev.tally.aggregator.AggregatorApp", "aggregator.admin.port"),
            new Service(EndToEndBenchmark.QUERY, "dev.tally.query.QueryApp", "query.http.port"),
            new Service(EndToEndBenchmark.GATEWAY, "dev.tally.gateway.GatewayApp", "gateway.http.port"));

    private final Map<String, JavaChild> children;
    private final Map<String, Integer> ports;

    private StackProcesses(Map<String, JavaChild> children, Map<String, Integer> ports) {
        this.children = children;
        this.ports = ports;
    }

    /**
     * The settings of every service: {@code StackServices.settingsFor} of the launcher (kept in step
     * with it by hand: that method is package-private), loopback listeners on the given ports, the
     * gateway trusting the local generator's {@code X-Forwarded-For} as {@code --demo} does, then
     * {@code overrides} (the benchmark's {@code --set key=value}).
     */
    static Map<String, String> settings(String namespace, String bootstrapServers, String cassandraContactPoint, String localDatacenter,
                                        Path aggregatorStateDir, Map<String, Integer> ports, Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap-servers", bootstrapServers);
        settings.put("topics.namespace", namespace);
        settings.put("cassandra.contact-points", cassandraContactPoint);
        settings.put("cassandra.local-datacenter", localDatacenter);
        settings.put("cassandra.keyspace", namespace);
        settings.put("aggregator.state-dir", aggregatorStateDir.toString());
        settings.put("aggregator.application-id", namespace + "-stream-aggregator");
        settings.put("sink.consumer-group", namespace + "-cassandra-sink");
        settings.put("gateway.trusted-proxies", TRUSTED_LOOPBACK);
        for (Service service : SERVICES) {
            String prefix = service.portKey().substring(0, service.portKey().lastIndexOf('.'));
            settings.put(prefix + ".host", "127.0.0.1");
            settings.put(service.portKey(), Integer.toString(ports.get(service.name())));
        }
        settings.putAll(overrides);
        return settings;
    }

    /** The same settings as {@code TALLY_*} variables (each service reads the keys it knows). */
    static Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> environment = new LinkedHashMap<>();
        settings.forEach((key, value) -> environment.put(ConfigSource.envName(key), value));
        return environment;
    }

    static String aggregatorGroup(String namespace) {
        return namespace + "-stream-aggregator";
    }

    static String sinkGroup(String namespace) {
        return namespace + "-cassandra-sink";
    }

    /**
     * Starts the services one after the other; if one does not get ready, the ones started are stopped.
     *
     * @param heaps {@code -Xmx} per service name
     */
    static StackProcesses start(String namespace, String bootstrapServers, String cassandraContactPoint, String localDatacenter,
                                Path workDir, Map<String, String> heaps, Map<String, String> overrides) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        SERVICES.forEach(service -> ports.put(service.name(), freePort()));
        Map<String, String> environment = environment(settings(namespace, bootstrapServers, cassandraContactPoint, localDatacenter,
                workDir.resolve("aggregator-state"), ports, overrides));
        Map<String, JavaChild> children = new LinkedHashMap<>();
        StackProcesses stack = new StackProcesses(children, ports);
        try {
            // The consumers and the query API start side by side (a JVM with the aggregator's user-agent rules
            // takes long on a busy machine); the gateway only once they answer, as in the launcher.
            for (Service service : SERVICES) {
                if (service.name().equals(EndToEndBenchmark.GATEWAY)) {
                    children.forEach((name, started) -> started.awaitReady(stack.url(name) + "/readyz", READY_TIMEOUT));
                }
                List<String> jvm = new ArrayList<>(List.of("-Xmx" + heaps.get(service.name()), "-XX:+UseG1GC",
                        "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + workDir.resolve(service.name() + "-gc.log")));
                children.put(service.name(), JavaChild.start(service.name(), jvm, service.mainClass(), List.of(), environment,
                        workDir.resolve(service.name() + ".log")));
            }
            children.get(EndToEndBenchmark.GATEWAY).awaitReady(stack.url(EndToEndBenchmark.GATEWAY) + "/readyz", READY_TIMEOUT);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    long pid(String service) {
        return children.get(service).pid();
    }

    Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        // Report order: along the pipeline.
        for (String name : List.of(EndToEndBenchmark.GATEWAY, EndToEndBenchmark.AGGREGATOR, EndToEndBenchmark.SINK, EndToEndBenchmark.QUERY)) {
            pids.put(name, children.get(name).pid());
        }
        return pids;
    }

    /** The services that exited, with where their output is. */
    List<String> deadServices() {
        List<String> dead = new ArrayList<>();
        children.forEach((name, child) -> {
            if (!child.isAlive()) {
                dead.add(name + " (see " + child.output() + ")");
            }
        });
        return dead;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    /** Gateway first (no new events), then the query API, the aggregator and the sink. */
    @Override
    public void close() {
        List<JavaChild> reversed = new ArrayList<>(children.values());
        java.util.Collections.reverse(reversed);
        reversed.forEach(JavaChild::close);
    }
}

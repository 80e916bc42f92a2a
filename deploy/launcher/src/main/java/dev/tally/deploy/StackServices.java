package dev.tally.deploy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the services of one stack share on a given Kafka and Cassandra: the topic namespace, the
 * keyspace, the aggregator's state directory, whether to register the demo site, and any further
 * service settings (ports, for example).
 * Tests give every stack its own namespace and keyspace, so stacks on one cluster never see each other.
 */
public record StackServices(String topicNamespace, String keyspace, int topicPartitions, Path aggregatorStateDir,
                            boolean demoSite, Map<String, String> extraSettings) {

    public StackServices {
        extraSettings = Map.copyOf(extraSettings);
    }

    /** Settings for a test: its own topics and keyspace, every port chosen by the operating system. */
    public static StackServices isolated(String name, Path stateDir) {
        return new StackServices(name, name, 3, stateDir, false, Map.of(
                "gateway.http.host", "127.0.0.1",
                "gateway.http.port", "0",
                "query.http.host", "127.0.0.1",
                "query.http.port", "0",
                "aggregator.admin.host", "127.0.0.1",
                "aggregator.admin.port", "0",
                "sink.admin.host", "127.0.0.1",
                "sink.admin.port", "0"));
    }

    /** The settings every service is started with, on top of its defaults and the environment. */
    Map<String, String> settingsFor(String kafkaBootstrapServers, String cassandraContactPoint, String localDatacenter) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap-servers", kafkaBootstrapServers);
        settings.put("topics.namespace", topicNamespace);
        settings.put("cassandra.contact-points", cassandraContactPoint);
        settings.put("cassandra.local-datacenter", localDatacenter);
        settings.put("cassandra.keyspace", keyspace);
        settings.put("aggregator.state-dir", aggregatorStateDir.toString());
        // Consumer groups follow the namespace so separate stacks on one broker never share offsets.
        settings.put("aggregator.application-id", topicNamespace + "-stream-aggregator");
        settings.put("sink.consumer-group", topicNamespace + "-cassandra-sink");
        settings.putAll(extraSettings);
        return settings;
    }
}

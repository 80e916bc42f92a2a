package dev.tally.sink.config;

import dev.tally.common.config.ConfigSource;
import dev.tally.store.CassandraConfig;
import java.util.Map;

/** The Cassandra sink's settings, validated at start-up. Keys and defaults: {@code dev/tally/sink/defaults.properties}. */
public record SinkConfig(
        String kafkaBootstrapServers,
        String topicNamespace,
        String consumerGroup,
        int maxPollRecords,
        CassandraConfig cassandra,
        boolean applySchema,
        String adminHost,
        int adminPort) {

    public static final String DEFAULTS = "dev/tally/sink/defaults.properties";

    public static SinkConfig from(ConfigSource config) {
        return new SinkConfig(
                config.string("kafka.bootstrap-servers"),
                config.string("topics.namespace"),
                config.string("sink.consumer-group"),
                config.intInRange("sink.max-poll-records", 1, 10_000),
                CassandraConfig.from(config),
                config.bool("cassandra.apply-schema"),
                config.string("sink.admin.host"),
                config.port("sink.admin.port"));
    }

    public static SinkConfig load(Map<String, String> overrides) {
        return from(ConfigSource.load(DEFAULTS, System.getenv(), overrides));
    }
}

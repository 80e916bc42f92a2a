package dev.tally.aggregator.config;

import dev.tally.common.config.ConfigSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The stream aggregator's settings, validated at start-up. Keys and defaults: {@code dev/tally/aggregator/defaults.properties}. */
public record AggregatorConfig(
        String kafkaBootstrapServers,
        String topicNamespace,
        String applicationId,
        Path stateDir,
        Duration commitInterval,
        Duration grace,
        Duration sourceIdleAfter,
        int streamThreads,
        int preAggregationBufferEvents,
        int userAgentCacheSize,
        String adminHost,
        int adminPort) {

    public static final String DEFAULTS = "dev/tally/aggregator/defaults.properties";

    public static AggregatorConfig from(ConfigSource config) {
        return new AggregatorConfig(
                config.string("kafka.bootstrap-servers"),
                config.string("topics.namespace"),
                config.string("aggregator.application-id"),
                config.path("aggregator.state-dir"),
                config.duration("aggregator.commit-interval"),
                config.duration("aggregator.grace"),
                config.duration("aggregator.source-idle-after"),
                config.intInRange("aggregator.stream-threads", 1, 64),
                config.intInRange("aggregator.pre-aggregation.buffer-events", 1_000, 10_000_000),
                config.intInRange("aggregator.user-agent.cache-size", 0, 10_000_000),
                config.string("aggregator.admin.host"),
                config.port("aggregator.admin.port"));
    }

    public static AggregatorConfig load(Map<String, String> overrides) {
        return from(ConfigSource.load(DEFAULTS, System.getenv(), overrides));
    }
}

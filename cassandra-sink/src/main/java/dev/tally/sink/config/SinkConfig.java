package dev.tally.sink.config;

import dev.tally.common.config.ConfigException;
import dev.tally.common.config.ConfigSource;
import dev.tally.store.CassandraConfig;
import java.time.Duration;
import java.util.Map;

/**
 * The Cassandra sink's settings, validated at start-up. Keys and defaults: {@code dev/tally/sink/defaults.properties}.
 *
 * @param consumerGroup prefix of the two consumer groups, {@code <group>.raw-events} and {@code <group>.rollups}
 * @param maxInFlightWrites Cassandra requests (statements or single-partition batches) in flight per consumer
 */
public record SinkConfig(
        String kafkaBootstrapServers,
        String topicNamespace,
        String consumerGroup,
        int maxPollRecords,
        int maxInFlightWrites,
        Duration commitInterval,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        int rawMaxBatchRows,
        int rawMaxBatchBytes,
        int rawFlushRecords,
        Duration rawLinger,
        int rawDefaultRetentionDays,
        Duration sitesRefreshInterval,
        Duration rollupFlushInterval,
        int rollupMaxBufferedKeys,
        CassandraConfig cassandra,
        boolean applySchema,
        String adminHost,
        int adminPort) {

    public static final String DEFAULTS = "dev/tally/sink/defaults.properties";

    public static SinkConfig from(ConfigSource config) {
        SinkConfig sink = new SinkConfig(
                config.string("kafka.bootstrap-servers"),
                config.string("topics.namespace"),
                config.string("sink.consumer-group"),
                config.intInRange("sink.max-poll-records", 1, 10_000),
                config.intInRange("sink.max-in-flight-writes", 1, 1024),
                config.duration("sink.commit-interval"),
                config.duration("sink.retry.initial-backoff"),
                config.duration("sink.retry.max-backoff"),
                config.intInRange("sink.raw.max-batch-rows", 1, 1000),
                config.intInRange("sink.raw.max-batch-bytes", 1024, 4 * 1024 * 1024),
                config.intInRange("sink.raw.flush-records", 1, 100_000),
                config.duration("sink.raw.linger"),
                config.intInRange("sink.raw.default-retention-days", 1, 36_500),
                config.duration("sink.sites.refresh-interval"),
                config.duration("sink.rollups.flush-interval"),
                config.intInRange("sink.rollups.max-buffered-keys", 1, 10_000_000),
                CassandraConfig.from(config),
                config.bool("cassandra.apply-schema"),
                config.string("sink.admin.host"),
                config.port("sink.admin.port"));
        positive(sink.commitInterval, "sink.commit-interval");
        positive(sink.retryInitialBackoff, "sink.retry.initial-backoff");
        positive(sink.sitesRefreshInterval, "sink.sites.refresh-interval");
        if (sink.retryMaxBackoff.compareTo(sink.retryInitialBackoff) < 0) {
            throw new ConfigException("Configuration key 'sink.retry.max-backoff' must not be shorter than 'sink.retry.initial-backoff'");
        }
        if (sink.rawLinger.isNegative()) {
            throw new ConfigException("Configuration key 'sink.raw.linger' must not be negative");
        }
        if (sink.rollupFlushInterval.isNegative()) {
            throw new ConfigException("Configuration key 'sink.rollups.flush-interval' must not be negative");
        }
        return sink;
    }

    private static void positive(Duration duration, String key) {
        if (duration.isNegative() || duration.isZero()) {
            throw new ConfigException("Configuration key '" + key + "' must be a positive duration, but was " + duration);
        }
    }

    public static SinkConfig load(Map<String, String> overrides) {
        return from(ConfigSource.load(DEFAULTS, System.getenv(), overrides));
    }

    public String rawEventsGroup() {
        return consumerGroup + ".raw-events";
    }

    public String rollupsGroup() {
        return consumerGroup + ".rollups";
    }
}

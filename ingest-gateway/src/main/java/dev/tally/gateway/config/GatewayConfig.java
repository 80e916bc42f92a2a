package dev.tally.gateway.config;

import dev.tally.common.config.ConfigSource;
import java.time.Duration;
import java.util.Map;

/**
 * The ingest gateway's settings, validated at start-up. Keys and defaults:
 * {@code dev/tally/gateway/defaults.properties}. Producer settings can be passed through as
 * {@code gateway.kafka.producer.<kafka producer key>}.
 */
public record GatewayConfig(
        String httpHost,
        int httpPort,
        int ioThreads,
        String kafkaBootstrapServers,
        String topicNamespace,
        Duration kafkaProbeInterval,
        Map<String, String> producerOverrides) {

    public static final String DEFAULTS = "dev/tally/gateway/defaults.properties";

    public static GatewayConfig from(ConfigSource config) {
        return new GatewayConfig(
                config.string("gateway.http.host"),
                config.port("gateway.http.port"),
                config.intInRange("gateway.http.io-threads", 0, 256),
                config.string("kafka.bootstrap-servers"),
                config.string("topics.namespace"),
                config.duration("gateway.kafka.probe-interval"),
                config.withPrefix("gateway.kafka.producer."));
    }

    public static GatewayConfig load(Map<String, String> overrides) {
        return from(ConfigSource.load(DEFAULTS, System.getenv(), overrides));
    }
}

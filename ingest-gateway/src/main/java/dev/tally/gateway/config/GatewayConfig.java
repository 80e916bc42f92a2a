package dev.tally.gateway.config;

import dev.tally.common.config.ConfigException;
import dev.tally.common.config.ConfigSource;
import dev.tally.gateway.ingest.ClientAddresses;
import dev.tally.store.CassandraConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ingest gateway's settings, validated at start-up. Keys and defaults:
 * {@code dev/tally/gateway/defaults.properties}. Producer settings can be passed through as
 * {@code gateway.kafka.producer.<kafka producer key>}.
 */
public record GatewayConfig(
        String httpHost,
        int httpPort,
        int ioThreads,
        String pixelPath,
        String scriptPath,
        String eventsPath,
        long maxBodyBytes,
        int maxBatchEvents,
        Duration maxClockSkew,
        Set<String> keptQueryParameters,
        List<String> trustedProxies,
        boolean storeClientIp,
        String cookieName,
        Duration cookieMaxAge,
        Duration sitesRefreshInterval,
        String kafkaBootstrapServers,
        String topicNamespace,
        Duration kafkaProbeInterval,
        Map<String, String> producerOverrides,
        CassandraConfig cassandra) {

    public static final String DEFAULTS = "dev/tally/gateway/defaults.properties";
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9/_.-]*");
    private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public static GatewayConfig from(ConfigSource config) {
        List<String> proxies = config.list("gateway.trusted-proxies");
        try {
            new ClientAddresses(proxies);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Configuration key 'gateway.trusted-proxies': " + e.getMessage());
        }
        return new GatewayConfig(
                config.string("gateway.http.host"),
                config.port("gateway.http.port"),
                config.intInRange("gateway.http.io-threads", 0, 256),
                path(config, "gateway.paths.pixel"),
                path(config, "gateway.paths.script"),
                path(config, "gateway.paths.events"),
                config.intInRange("gateway.events.max-body-bytes", 1024, 16 * 1024 * 1024),
                config.intInRange("gateway.events.max-batch", 1, 10_000),
                config.duration("gateway.events.max-clock-skew"),
                Set.copyOf(config.list("gateway.url.keep-query-params")),
                proxies,
                config.bool("gateway.store-client-ip"),
                cookieName(config),
                config.duration("gateway.cookie.max-age"),
                config.duration("gateway.sites.refresh-interval"),
                config.string("kafka.bootstrap-servers"),
                config.string("topics.namespace"),
                config.duration("gateway.kafka.probe-interval"),
                config.withPrefix("gateway.kafka.producer."),
                CassandraConfig.from(config));
    }

    public static GatewayConfig load(Map<String, String> overrides) {
        return from(ConfigSource.load(DEFAULTS, System.getenv(), overrides));
    }

    private static String path(ConfigSource config, String key) {
        String path = config.string(key);
        if (!PATH.matcher(path).matches()) {
            throw new ConfigException("Configuration key '" + key + "' must be a path such as /a.js (letters, digits, / _ . -), but was '" + path + "'");
        }
        return path;
    }

    private static String cookieName(ConfigSource config) {
        String name = config.string("gateway.cookie.name");
        if (!COOKIE_NAME.matcher(name).matches()) {
            throw new ConfigException("Configuration key 'gateway.cookie.name' must be 1-64 letters, digits, '_' or '-', but was '" + name + "'");
        }
        return name;
    }
}

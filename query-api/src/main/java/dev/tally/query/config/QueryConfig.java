package dev.tally.query.config;

import dev.tally.common.config.ConfigSource;
import dev.tally.store.CassandraConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The query API's settings, validated at start-up. Keys and defaults: {@code dev/tally/query/defaults.properties}.
 *
 * @param corsOrigins origins whose pages may call the API ({@code *}: any; keys travel in headers, never cookies)
 * @param siteRefresh how long a site's registry entry (time zone, key hash) is reused before it is read again
 * @param maxReadsInFlight partition reads one process runs concurrently against Cassandra
 * @param settleTime how long after its end an hour or day row is complete (the aggregator's grace plus a margin)
 */
public record QueryConfig(String httpHost, int httpPort, CassandraConfig cassandra, List<String> corsOrigins,
                          Duration siteRefresh, int maxReadsInFlight, Duration settleTime) {
    public static final String DEFAULTS = "dev/tally/query/defaults.properties";

    public static QueryConfig from(ConfigSource config) {
        return new QueryConfig(config.string("query.http.host"), config.port("query.http.port"), CassandraConfig.from(config),
                config.list("query.cors.allowed-origins"), config.duration("query.sites.refresh"),
                config.intInRange("query.cassandra.max-reads-in-flight", 1, 4_096),
                config.duration("query.rollups.settle-time"));
    }

    public static QueryConfig load(Map<String, String> overrides) {
        return from(ConfigSource.load(DEFAULTS, System.getenv(), overrides));
    }
}

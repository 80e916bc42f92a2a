package dev.tally.query.config;

import dev.tally.common.config.ConfigSource;
import dev.tally.store.CassandraConfig;
import java.util.Map;

/** The query API's settings, validated at start-up. Keys and defaults: {@code dev/tally/query/defaults.properties}. */
public record QueryConfig(String httpHost, int httpPort, CassandraConfig cassandra) {
    public static final String DEFAULTS = "dev/tally/query/defaults.properties";

    public static QueryConfig from(ConfigSource config) {
        return new QueryConfig(config.string("query.http.host"), config.port("query.http.port"), CassandraConfig.from(config));
    }

    public static QueryConfig load(Map<String, String> overrides) {
        return from(ConfigSource.load(DEFAULTS, System.getenv(), overrides));
    }
}

package dev.tally.common.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Layered configuration: a service's defaults (a properties resource), then an optional properties
 * file, then environment variables, then explicit overrides (the launcher's). A later layer wins.
 *
 * <p>Keys are dotted ({@code gateway.port}); the environment variable for a key is {@code TALLY_}
 * followed by the key upper-cased with dots and dashes turned into underscores
 * ({@code TALLY_GATEWAY_PORT}). The file is named by {@code TALLY_CONFIG_FILE}. Every typed getter
 * fails with a {@link ConfigException} that names the key, the offending value and its layer, so a
 * bad value stops a service at start-up with a message an operator can act on.
 */
public final class ConfigSource {
    public static final String CONFIG_FILE_ENV = "TALLY_CONFIG_FILE";

    private record Value(String text, String origin) {}

    private final Map<String, Value> values;

    private ConfigSource(Map<String, Value> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Loads the layers for a service.
     *
     * @param defaultsResource classpath resource with every key the service reads and its default
     * @param env the environment (usually {@code System.getenv()})
     * @param overrides values set by the caller, for example the local launcher's ports
     */
    public static ConfigSource load(String defaultsResource, Map<String, String> env, Map<String, String> overrides) {
        Map<String, Value> values = new LinkedHashMap<>();
        Properties defaults = readResource(defaultsResource);
        defaults.stringPropertyNames().forEach(k -> values.put(k, new Value(defaults.getProperty(k), "defaults")));

        String file = env.get(CONFIG_FILE_ENV);
        if (file != null && !file.isBlank()) {
            Properties fromFile = readFile(Path.of(file));
            fromFile.stringPropertyNames().forEach(k -> values.put(k, new Value(fromFile.getProperty(k), "file " + file)));
        }
        for (String key : List.copyOf(values.keySet())) {
            String envName = envName(key);
            String fromEnv = env.get(envName);
            if (fromEnv != null) {
                values.put(key, new Value(fromEnv, "environment variable " + envName));
            }
        }
        overrides.forEach((k, v) -> values.put(k, new Value(v, "override")));
        return new ConfigSource(values);
    }

    /** Only explicit values, no defaults, file or environment: for tests. */
    public static ConfigSource of(Map<String, String> values) {
        Map<String, Value> map = new LinkedHashMap<>();
        values.forEach((k, v) -> map.put(k, new Value(v, "override")));
        return new ConfigSource(map);
    }

    public static String envName(String key) {
        return "TALLY_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String string(String key) {
        String text = raw(key).text().trim();
        if (text.isEmpty()) {
            throw invalid(key, "must not be empty");
        }
        return text;
    }

    public Optional<String> optionalString(String key) {
        Value value = values.get(key);
        if (value == null || value.text().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.text().trim());
    }

    public int intInRange(String key, int min, int max) {
        String text = string(key);
        try {
            int parsed = Integer.parseInt(text);
            if (parsed < min || parsed > max) {
                throw invalid(key, "must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw invalid(key, "must be a whole number");
        }
    }

    /** A TCP port; 0 asks the operating system for a free one. */
    public int port(String key) {
        return intInRange(key, 0, 65_535);
    }

    public boolean bool(String key) {
        String text = string(key).toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw invalid(key, "must be true or false");
        };
    }

    /** A duration as ISO-8601 ({@code PT1S}) or a number with a unit: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}. */
    public Duration duration(String key) {
        String text = string(key).toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("pt") || text.startsWith("p")) {
                return Duration.parse(text.toUpperCase(Locale.ROOT));
            }
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).trim()));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1).trim());
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw invalid(key, "must be a duration such as 500ms, 10s, 5m or PT1S");
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw invalid(key, "must be a duration such as 500ms, 10s, 5m or PT1S");
        }
    }

    public Path path(String key) {
        return Path.of(string(key));
    }

    /** A comma-separated list; empty entries are dropped. */
    public List<String> list(String key) {
        Value value = values.get(key);
        if (value == null) {
            throw missing(key);
        }
        List<String> items = new ArrayList<>();
        for (String part : value.text().split(",")) {
            if (!part.isBlank()) {
                items.add(part.trim());
            }
        }
        return List.copyOf(items);
    }

    /** All values whose key starts with {@code prefix}, with the prefix removed: pass-through client settings. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k.substring(prefix.length()), v.text());
            }
        });
        return result;
    }

    private Value raw(String key) {
        Value value = values.get(key);
        if (value == null) {
            throw missing(key);
        }
        return value;
    }

    private ConfigException missing(String key) {
        return new ConfigException("Configuration key '" + key + "' is not set (environment variable " + envName(key) + ")");
    }

    private ConfigException invalid(String key, String rule) {
        Value value = values.get(key);
        String shown = value == null ? "<unset>" : "'" + value.text() + "' from " + value.origin();
        return new ConfigException("Configuration key '" + key + "' " + rule + ", but was " + shown
                + " (environment variable " + envName(key) + ")");
    }

    private static Properties readResource(String resource) {
        Properties properties = new Properties();
        try (InputStream in = ConfigSource.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException("Defaults resource '" + resource + "' is missing from the classpath");
            }
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("Cannot read defaults resource '" + resource + "': " + e.getMessage());
        }
        return properties;
    }

    private static Properties readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("Cannot read configuration file " + file + " (named by " + CONFIG_FILE_ENV + "): " + e.getMessage());
        }
        return properties;
    }
}

package dev.tally.common.config;

/** A configuration value is missing or invalid. The message always names the key and where it came from. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}

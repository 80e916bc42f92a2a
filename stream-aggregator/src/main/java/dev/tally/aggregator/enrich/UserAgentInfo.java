package dev.tally.aggregator.enrich;

/**
 * What the aggregator keeps from a User-Agent header.
 *
 * @param browser        browser family ("Chrome", "Firefox", ...), "unknown" when not recognised
 * @param browserVersion major version, null when not recognised
 * @param os             operating system family ("Windows", "macOS", "iOS", ...), "unknown" when not recognised
 * @param deviceType     "desktop", "mobile", "tablet", "bot" or "unknown"
 * @param bot            a crawler, monitor, script or headless browser rather than a person
 */
public record UserAgentInfo(String browser, String browserVersion, String os, String deviceType, boolean bot) {
    public static final String UNKNOWN = "unknown";
    public static final UserAgentInfo NONE = new UserAgentInfo(UNKNOWN, null, UNKNOWN, UNKNOWN, false);
}

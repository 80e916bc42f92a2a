package dev.tally.aggregator.enrich;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Locale;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * {@link UserAgentClassifier} on Yauaa (nl.basjes.parse.useragent), which reports a device class
 * (phone, tablet, desktop, robot...) and recognises scripted clients (curl, python-requests) as robots.
 * Chosen over ua-parser's uap-java after a measured comparison (docs/benchmarks.md, "User-agent parsers").
 *
 * <p>Building the analyzer loads several thousand rules and takes seconds: build one per process and
 * share it (it is thread-safe). Results are cached per distinct header (real traffic repeats a few
 * thousand user agents), so the steady-state cost is a cache lookup. The cache holds this class's small
 * results rather than using Yauaa's own: Yauaa builds a fresh mutable result object on every call, a hit
 * in its cache included, which cost more than the rest of the enrichment (measured).
 */
public final class YauaaClassifier implements UserAgentClassifier {
    private static final String[] FIELDS = {
            UserAgent.AGENT_NAME, UserAgent.AGENT_VERSION_MAJOR, UserAgent.OPERATING_SYSTEM_NAME, UserAgent.DEVICE_CLASS};

    private final UserAgentAnalyzer analyzer;
    private final Cache<String, UserAgentInfo> results;

    public YauaaClassifier(int cacheSize) {
        this.analyzer = UserAgentAnalyzer.newBuilder()
                .hideMatcherLoadStats()
                .dropTests()
                .withFields(FIELDS)
                .withoutCache()
                .immediateInitialization()
                .build();
        this.results = Caffeine.newBuilder().maximumSize(cacheSize).build();
    }

    @Override
    public UserAgentInfo classify(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return UserAgentInfo.NONE;
        }
        return results.get(userAgent, this::parse);
    }

    private UserAgentInfo parse(String userAgent) {
        UserAgent parsed = analyzer.parse(userAgent);
        String deviceClass = parsed.getValue(UserAgent.DEVICE_CLASS);
        // Yauaa reports headless Chrome as plain desktop Chrome; it is automation, not a visitor.
        boolean bot = isRobot(deviceClass) || userAgent.contains("Headless");
        String device = bot ? "bot" : deviceType(deviceClass);
        String browser = known(parsed.getValue(UserAgent.AGENT_NAME));
        String version = browser.equals(UserAgentInfo.UNKNOWN) ? null : knownOrNull(parsed.getValue(UserAgent.AGENT_VERSION_MAJOR));
        return new UserAgentInfo(browser, version, osFamily(parsed.getValue(UserAgent.OPERATING_SYSTEM_NAME)), device, bot);
    }

    private static boolean isRobot(String deviceClass) {
        return switch (deviceClass) {
            case "Robot", "Robot Mobile", "Robot Imitator", "Spy", "Hacker" -> true;
            default -> false;
        };
    }

    static String deviceType(String deviceClass) {
        return switch (deviceClass) {
            case "Desktop", "Anonymized" -> "desktop";
            case "Phone", "Mobile", "Watch", "Handheld Game Console" -> "mobile";
            case "Tablet", "eReader" -> "tablet";
            default -> UserAgentInfo.UNKNOWN;
        };
    }

    /** Families as people name them on a dashboard: Yauaa says "Windows NT" and "Mac OS". */
    static String osFamily(String os) {
        return switch (os) {
            case "Windows NT", "Windows" -> "Windows";
            case "Mac OS", "Mac OS X", "macOS" -> "macOS";
            case "Ubuntu", "Fedora", "Debian", "Linux", "Arch Linux", "Mint", "Manjaro", "Red Hat", "openSUSE" -> "Linux";
            case "Google Cloud", "Microsoft Cloud", "Amazon Cloud", "Cloud" -> UserAgentInfo.UNKNOWN;
            default -> known(os);
        };
    }

    private static String known(String value) {
        if (value == null || value.isBlank() || value.startsWith("Unknown") || value.startsWith("??")) {
            return UserAgentInfo.UNKNOWN;
        }
        return value;
    }

    private static String knownOrNull(String value) {
        String known = known(value);
        return known.equals(UserAgentInfo.UNKNOWN) ? null : known.toLowerCase(Locale.ROOT);
    }
}

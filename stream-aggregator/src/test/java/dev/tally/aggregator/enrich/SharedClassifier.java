package dev.tally.aggregator.enrich;

/** One Yauaa analyzer per test JVM: building it loads thousands of rules and takes seconds. */
public final class SharedClassifier {
    private static YauaaClassifier instance;

    private SharedClassifier() {}

    public static synchronized YauaaClassifier get() {
        if (instance == null) {
            instance = new YauaaClassifier(1_000);
        }
        return instance;
    }

    public static Enricher enricher() {
        return new Enricher(get(), ReferrerClassifier.bundled());
    }
}

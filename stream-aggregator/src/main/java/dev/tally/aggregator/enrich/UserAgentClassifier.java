package dev.tally.aggregator.enrich;

/** Turns a User-Agent header into {@link UserAgentInfo}. Implementations must be thread-safe. */
public interface UserAgentClassifier {
    /** Never null; a null or empty header gives {@link UserAgentInfo#NONE}. */
    UserAgentInfo classify(String userAgent);
}

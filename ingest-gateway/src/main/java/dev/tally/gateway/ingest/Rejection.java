package dev.tally.gateway.ingest;

/**
 * Why an event was not accepted. The {@code code} is short, stable and safe to show a client (it goes
 * into a response header and a metric label); it never echoes the input.
 */
public enum Rejection {
    MISSING_SITE("missing_site", "the site parameter is required"),
    INVALID_SITE("invalid_site", "site ids are 1-64 characters: a-z, 0-9, '.', '_' and '-'"),
    MISSING_URL("missing_url", "the url parameter is required"),
    INVALID_URL("invalid_url", "url must be an absolute http(s) URL"),
    URL_TOO_LONG("url_too_long", "url is longer than " + EventLimits.MAX_URL_LENGTH + " characters"),
    KAFKA_UNAVAILABLE("unavailable", "the event could not be stored; retry later");

    private final String code;
    private final String explanation;

    Rejection(String code, String explanation) {
        this.code = code;
        this.explanation = explanation;
    }

    public String code() {
        return code;
    }

    public String explanation() {
        return explanation;
    }
}

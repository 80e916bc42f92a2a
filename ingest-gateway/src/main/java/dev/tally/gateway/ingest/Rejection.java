package dev.tally.gateway.ingest;

/**
 * Why an event was not accepted. The {@code code} is short, stable and safe to show a client (it goes
 * into a response header or body and a metric label); it never echoes the input.
 */
public enum Rejection {
    MISSING_SITE("missing_site", "the site (d, domain or site) is required"),
    INVALID_SITE("invalid_site", "site ids are 1-64 characters: a-z, 0-9, '.', '_' and '-'"),
    UNKNOWN_SITE("unknown_site", "no such site is registered"),
    MISSING_URL("missing_url", "the page url (u or url) is required"),
    INVALID_URL("invalid_url", "url must be an absolute http(s) URL"),
    URL_TOO_LONG("url_too_long", "url is longer than " + EventLimits.MAX_URL_LENGTH + " characters"),
    HOST_NOT_ALLOWED("host_not_allowed", "the page's host is not allowed for this site"),
    NAME_TOO_LONG("name_too_long", "event name is longer than " + EventLimits.MAX_NAME_LENGTH + " characters"),
    TOO_MANY_PROPS("too_many_props", "more than " + EventLimits.MAX_PROPS + " properties"),
    PROP_TOO_LONG("prop_too_long", "a property name or value is too long"),
    INVALID_VALUE("invalid_value", "value must be a finite number within +/-" + (long) EventLimits.MAX_ABS_VALUE),
    INVALID_TIMESTAMP("invalid_timestamp", "timestamp must be ISO-8601 or epoch milliseconds"),
    CLOCK_SKEW("clock_skew", "timestamp is too far in the future"),
    BACKFILL_NEEDS_KEY("backfill_needs_key", "events older than the allowed clock skew need the site key"),
    TOO_OLD("too_old", "timestamp is older than the site's retention"),
    BAD_ENCODING("bad_encoding", "malformed percent-encoding or invalid UTF-8"),
    INVALID_EVENT("invalid_event", "an event must be a JSON object"),
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

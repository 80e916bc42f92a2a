package dev.tally.gateway.http;

/** The gateway's public endpoints, as metric labels. */
enum Endpoint {
    PIXEL("pixel"),
    EVENTS("events"),
    SCRIPT("script"),
    ADMIN("admin");

    private final String label;

    Endpoint(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}

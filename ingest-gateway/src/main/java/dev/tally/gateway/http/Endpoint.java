package dev.tally.gateway.http;

/** The gateway's ingest endpoints, as metric labels. */
enum Endpoint {
    PIXEL("pixel");

    private final String label;

    Endpoint(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}

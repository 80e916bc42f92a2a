package dev.tally.deploy.traffic.model;

/** How a hit reaches the gateway. */
public enum Transport {
    /** What the served tracker script does: one event as JSON with Plausible's short keys, POSTed as text/plain. */
    TRACKER,
    /** The GIF pixel: GET with the event in the query string (no-script pages, e-mails). */
    PIXEL,
    /**
     * A server-side integration flushing a queue: a JSON array with Plausible's long keys and client
     * timestamps, with the site key when some of them are older than the gateway's allowed clock skew.
     */
    EVENTS_API
}

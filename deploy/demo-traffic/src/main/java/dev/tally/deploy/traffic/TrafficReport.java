package dev.tally.deploy.traffic;

import dev.tally.deploy.traffic.truth.GroundTruth;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What a run did.
 *
 * @param requests requests sent
 * @param eventsSent events in them
 * @param eventsStored events the gateway acknowledged as stored (the ground truth holds exactly these)
 * @param eventsRejected events the gateway refused, by reason (a generator out of step with the gateway's rules)
 * @param eventsUnanswered events of requests that got no answer: maybe stored, maybe not
 * @param maxBehindMillis the most the generator fell behind its schedule (all connections busy)
 */
public record TrafficReport(Duration elapsed, long requests, long eventsSent, long eventsStored, Map<String, Long> eventsRejected,
                            long eventsUnanswered, long maxBehindMillis, GroundTruth truth) {

    public TrafficReport {
        eventsRejected = Map.copyOf(eventsRejected);
    }

    public long rejectedTotal() {
        return eventsRejected.values().stream().mapToLong(Long::longValue).sum();
    }

    public double eventsPerSecond() {
        return elapsed.isZero() ? 0 : eventsSent / (elapsed.toNanos() / 1e9);
    }

    public String summary() {
        return String.format(Locale.ROOT,
                "%d events in %d requests over %.1f s (%.0f events/s); stored %d (%d human page views, %d human custom events,"
                        + " %d bot events, %d late), rejected %d%s, unanswered %d; at most %d ms behind schedule",
                eventsSent, requests, elapsed.toMillis() / 1000.0, eventsPerSecond(), eventsStored, truth.humanPageviews(),
                truth.humanCustomEvents(), truth.botEvents(), truth.lateEvents(), rejectedTotal(), eventsRejected.isEmpty() ? "" : " " + eventsRejected,
                eventsUnanswered, maxBehindMillis);
    }
}

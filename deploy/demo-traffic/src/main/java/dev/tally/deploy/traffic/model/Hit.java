package dev.tally.deploy.traffic.model;

import java.util.List;

/**
 * One HTTP request the generator will send: one visitor of one site, one or more events.
 *
 * @param sequence position in the stream (0, 1, 2, ...): equal seeds give equal hits at equal positions
 * @param needsSiteKey some event is older than the gateway's allowed clock skew: send the site key (backfill)
 */
public record Hit(long sequence, SiteProfile site, Visitor visitor, Transport transport, List<PlannedEvent> events, boolean needsSiteKey) {

    public Hit {
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a hit carries at least one event");
        }
    }

    public boolean late() {
        return events.get(0).latenessMillis() > 0;
    }
}

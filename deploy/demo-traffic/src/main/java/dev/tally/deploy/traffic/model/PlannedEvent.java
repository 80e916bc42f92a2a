package dev.tally.deploy.traffic.model;

import java.util.Map;

/**
 * One event a hit carries.
 *
 * @param name {@value #PAGEVIEW} for a page view, else the custom event's name
 * @param url the full page URL, with {@code utm_*} parameters on campaign landings
 * @param path the page's path, as the aggregator's page dimension will show it
 * @param referrer the referring URL, or null
 * @param valueCents the event's value in hundredths (exact sums in the ground truth), or null
 * @param currency ISO 4217 code of a value, or null
 * @param utmSource {@code utm_source} of the URL, or null
 * @param utmCampaign {@code utm_campaign} of the URL, or null
 * @param latenessMillis how long before the send time the event happened; 0 means now (no client timestamp is sent)
 */
public record PlannedEvent(String name, String url, String path, String referrer, String title, Long valueCents, String currency,
                           Map<String, String> props, String utmSource, String utmCampaign, long latenessMillis) {
    public static final String PAGEVIEW = "pageview";

    public PlannedEvent {
        props = Map.copyOf(props);
    }

    public boolean pageview() {
        return PAGEVIEW.equals(name);
    }

    public PlannedEvent withLateness(long millis) {
        return new PlannedEvent(name, url, path, referrer, title, valueCents, currency, props, utmSource, utmCampaign, millis);
    }
}

package dev.tally.deploy.traffic.truth;

import dev.tally.deploy.traffic.model.PlannedEvent;
import java.time.LocalDate;
import java.util.BitSet;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one site received, as the gateway acknowledged it. Human counts are what the dashboard must
 * show (bots are left out of rollups); bot and late counts say what else went in.
 */
public final class SiteTruth {
    /** Count, and count, sum, min and max of the values (in hundredths, so sums are exact), of one custom event name. */
    public static final class EventTruth {
        private long count;
        private long valueCount;
        private long valueSumCents;
        private long valueMinCents = Long.MAX_VALUE;
        private long valueMaxCents = Long.MIN_VALUE;

        void add(Long valueCents) {
            count++;
            if (valueCents != null) {
                valueCount++;
                valueSumCents += valueCents;
                valueMinCents = Math.min(valueMinCents, valueCents);
                valueMaxCents = Math.max(valueMaxCents, valueCents);
            }
        }

        public long count() {
            return count;
        }

        public long valueCount() {
            return valueCount;
        }

        public long valueSumCents() {
            return valueSumCents;
        }

        /** Smallest value, or null when no event had one. */
        public Long valueMinCents() {
            return valueCount == 0 ? null : valueMinCents;
        }

        public Long valueMaxCents() {
            return valueCount == 0 ? null : valueMaxCents;
        }
    }

    private final String siteId;
    private long pageviews;
    private long customEvents;
    private long lateEvents;
    private long backfilledEvents;
    private long botEvents;
    private final BitSet visitors = new BitSet();
    private final Map<LocalDate, BitSet> visitorsByDay = new TreeMap<>();
    private final Map<String, Long> pages = new TreeMap<>();
    private final Map<String, EventTruth> events = new TreeMap<>();
    private final Map<String, Long> utmSources = new TreeMap<>();
    private final Map<String, Long> utmCampaigns = new TreeMap<>();

    SiteTruth(String siteId) {
        this.siteId = siteId;
    }

    void add(PlannedEvent event, int visitorIndex, boolean bot, boolean backfill, LocalDate day) {
        if (bot) {
            botEvents++;
            return;
        }
        if (event.latenessMillis() > 0) {
            lateEvents++;
            if (backfill) {
                backfilledEvents++;
            }
        }
        visitors.set(visitorIndex);
        visitorsByDay.computeIfAbsent(day, d -> new BitSet()).set(visitorIndex);
        if (event.pageview()) {
            pageviews++;
            pages.merge(event.path(), 1L, Long::sum);
            if (event.utmSource() != null) {
                utmSources.merge(event.utmSource(), 1L, Long::sum);
            }
            if (event.utmCampaign() != null) {
                utmCampaigns.merge(event.utmCampaign(), 1L, Long::sum);
            }
        } else {
            customEvents++;
            events.computeIfAbsent(event.name(), n -> new EventTruth()).add(event.valueCents());
        }
    }

    public String siteId() {
        return siteId;
    }

    /** Page views of humans. */
    public long pageviews() {
        return pageviews;
    }

    /** Custom events of humans. */
    public long customEvents() {
        return customEvents;
    }

    /** Human events sent with a client timestamp in the past. */
    public long lateEvents() {
        return lateEvents;
    }

    /** Of those, the ones in requests that carried the site key (some event older than the allowed clock skew). */
    public long backfilledEvents() {
        return backfilledEvents;
    }

    /** Events of crawlers, page views and all: stored raw, left out of rollups. */
    public long botEvents() {
        return botEvents;
    }

    /** Distinct human visitors over the whole run. */
    public int visitors() {
        return visitors.cardinality();
    }

    /**
     * Distinct human visitors per UTC day of sending. In cookieless mode the gateway's visitor ids
     * change with each day's salt, so a visitor seen on two days is two visitors to it.
     */
    public Map<LocalDate, Integer> visitorsByDay() {
        Map<LocalDate, Integer> counts = new TreeMap<>();
        visitorsByDay.forEach((day, set) -> counts.put(day, set.cardinality()));
        return counts;
    }

    /** Human page views by path. */
    public Map<String, Long> pages() {
        return Collections.unmodifiableMap(pages);
    }

    /** Human custom events by name. */
    public Map<String, EventTruth> events() {
        return Collections.unmodifiableMap(events);
    }

    /** Human page views whose URL carried {@code utm_source}, by its value. */
    public Map<String, Long> utmSources() {
        return Collections.unmodifiableMap(utmSources);
    }

    public Map<String, Long> utmCampaigns() {
        return Collections.unmodifiableMap(utmCampaigns);
    }
}

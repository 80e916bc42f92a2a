package dev.tally.bench.aggregator;

import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.TrackedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic synthetic traffic for the aggregator benchmark: page views and custom events with real
 * browser user agents (3% bots), paths, referrers, UTM tags and values, spread evenly over {@code span}
 * of event time from {@link #START} with up to a tenth of the span (at most 30 s) of disorder.
 *
 * <p>The span sets the traffic's density, and with it what the rollups cost per event: the same events
 * over 20 s are an installation receiving them live at that rate (a site's minute sums hundreds of events
 * into a few hundred values), over an hour a quiet installation's backlog (a site's minute holds a dozen
 * events, each bringing a few values of its own, so a final record or more per event).
 *
 * @param sites         number of sites
 * @param hotSiteShare  share of all events that go to site 0 (0 for even traffic)
 * @param span          event time the events are spread over, at most {@link #LONGEST_SPAN}
 */
public record BenchEvents(int sites, double hotSiteShare, Duration span, long seed) {
    static final Instant START = Instant.parse("2026-11-22T09:00:00Z");
    static final Duration LONGEST_SPAN = Duration.ofHours(1);
    private static final long MOST_DISORDER_MS = 30_000;

    public BenchEvents {
        if (span.isNegative() || span.isZero() || span.compareTo(LONGEST_SPAN) > 0) {
            throw new IllegalArgumentException("span must be more than 0 and at most " + LONGEST_SPAN + ": " + span);
        }
    }

    /** Events whose own receive times the caller chooses ({@link #event(Random, String, Instant)}). */
    public BenchEvents(int sites, double hotSiteShare, long seed) {
        this(sites, hotSiteShare, LONGEST_SPAN, seed);
    }

    private static final List<String> AGENTS = agents();
    private static final String[] BOTS = {
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "curl/8.5.0"};
    private static final String[] REFERRERS = {
            null, null, null, "https://www.google.com/", "https://www.bing.com/search?q=x", "https://t.co/abc",
            "https://news.ycombinator.com/item?id=1", "https://mail.google.com/", "https://blog.example.org/post"};
    private static final String[] QUERIES = {"", "", "", "", "?utm_source=newsletter&utm_medium=email&utm_campaign=nov",
            "?utm_source=google&utm_medium=cpc&utm_campaign=brand", "?ref=x"};
    private static final String[] GOALS = {"signup", "purchase", "download", "contact"};

    private static List<String> agents() {
        List<String> agents = new ArrayList<>();
        for (int version = 118; version <= 126; version++) {
            agents.add("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + version + ".0.0.0 Safari/537.36");
            agents.add("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + version + ".0.0.0 Safari/537.36");
            agents.add("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + version + ".0.0.0 Mobile Safari/537.36");
            agents.add("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:" + version + ".0) Gecko/20100101 Firefox/" + version + ".0");
        }
        for (int minor = 0; minor <= 5; minor++) {
            agents.add("Mozilla/5.0 (iPhone; CPU iPhone OS 17_" + minor + " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17." + minor + " Mobile/15E148 Safari/604.1");
            agents.add("Mozilla/5.0 (iPad; CPU OS 17_" + minor + " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17." + minor + " Mobile/15E148 Safari/604.1");
            agents.add("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17." + minor + " Safari/605.1.15");
        }
        return List.copyOf(agents);
    }

    String siteName(int index) {
        return "site" + index + ".example";
    }

    /** Event {@code i} of {@code total}; the same arguments always give the same event. */
    TrackedEvent event(Random random, int i, int total) {
        long spanMs = span.toMillis();
        long time = START.toEpochMilli() + spanMs * i / total - random.nextInt((int) Math.max(1, Math.min(MOST_DISORDER_MS, spanMs / 10)));
        return event(random, "e" + i, Instant.ofEpochMilli(time));
    }

    /** An event received at {@code receivedAt}, drawn from {@code random}: the same draws give the same event. */
    public TrackedEvent event(Random random, String eventId, Instant receivedAt) {
        int siteIndex = random.nextDouble() < hotSiteShare ? 0 : random.nextInt(sites);
        String site = siteName(siteIndex);
        boolean custom = random.nextInt(10) == 0;
        String agent = random.nextInt(100) < 3 ? BOTS[random.nextInt(BOTS.length)] : AGENTS.get(random.nextInt(AGENTS.size()));
        return TrackedEvent.newBuilder()
                .setEventId(eventId)
                .setSiteId(site)
                .setReceivedAt(receivedAt)
                .setClientTime(null)
                .setType(custom ? EventType.CUSTOM : EventType.PAGEVIEW)
                .setName(custom ? GOALS[random.nextInt(GOALS.length)] : "pageview")
                .setUrl("https://" + site + "/page" + random.nextInt(40) + QUERIES[random.nextInt(QUERIES.length)])
                .setReferrer(REFERRERS[random.nextInt(REFERRERS.length)])
                .setTitle("Page")
                .setLanguage("en-GB")
                .setScreenWidth(1440)
                .setUserAgent(agent)
                .setVisitorId(String.format("%016x", (siteIndex * 1_000_003L + random.nextInt(siteIndex == 0 ? 200_000 : 2_000)) * 0x9E3779B97F4A7C15L))
                .setNewVisitor(null)
                .setValue(custom && random.nextBoolean() ? random.nextInt(10_000) / 100.0 : null)
                .setCurrency(null)
                .setProps(Map.of())
                .setClientIp(null)
                .build();
    }
}

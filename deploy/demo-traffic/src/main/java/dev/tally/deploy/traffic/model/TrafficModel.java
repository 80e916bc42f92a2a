package dev.tally.deploy.traffic.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The simulated visits, as a stream of {@link Hit}s, the same for the same {@link TrafficMix}. Plain
 * logic: no clock, no I/O. Hits carry lateness (milliseconds before the send time), not timestamps.
 *
 * <p>A visit: a visitor (new, returning, or a crawler) lands on a page picked by Zipf popularity from
 * a source (direct, search, social, another site, or a campaign whose {@code utm_*} tags are on the
 * landing URL), then goes on to other pages with the previous one as referrer; after a page view a
 * human sometimes sends a custom event (signup, purchase with a value, outbound click, download).
 * {@link TrafficMix#concurrentVisits()} visits are in progress at once and their hits interleave. A share
 * of human visits is delivered late: the whole visit at once, as a batch with client timestamps up to
 * {@link TrafficMix#maxLateness()} in the past, as an app or a server relay flushing its queue would.
 */
public final class TrafficModel {
    /** Crawler identities per site: a handful of bots come back again and again. */
    static final int BOTS_PER_SITE = 40;
    /** Most events one late batch carries (the gateway takes up to 100 per request). */
    static final int MAX_BATCH = 30;
    private static final int IPV4_SPACE = 1 << 17; // 198.18.0.0/15, reserved for benchmarks (RFC 2544)

    private static final Weighted<String> PLANS = new Weighted<String>().add(6, "free").add(3, "pro").add(1, "team");
    private static final long[] PRICES_CENTS = {900, 1900, 4900, 9900, 24900};

    private final TrafficMix mix;
    private final List<SiteProfile> sites;
    private final Zipf siteChoice;
    private final Zipf pageChoice;
    private final SplittableRandom random;
    private final int[] visitorsPerSite;
    private final Visit[] visits;
    private long sequence;

    public TrafficModel(TrafficMix mix) {
        this.mix = mix;
        this.sites = SiteCatalogue.generate(mix.seed(), mix.sites(), mix.siteIdPrefix(), mix.pagesPerSite(), mix.siteExponent());
        this.siteChoice = new Zipf(sites.size(), mix.siteExponent());
        this.pageChoice = new Zipf(mix.pagesPerSite(), mix.pageExponent());
        this.random = new SplittableRandom(mix.seed());
        this.visitorsPerSite = new int[sites.size()];
        this.visits = new Visit[mix.concurrentVisits()];
    }

    public List<SiteProfile> sites() {
        return sites;
    }

    public TrafficMix mix() {
        return mix;
    }

    /** The next hit of the stream. */
    public Hit next() {
        while (true) {
            int slot = random.nextInt(visits.length);
            Visit visit = visits[slot];
            if (visit == null) {
                visit = startVisit();
                if (visit.late) {
                    return lateBatch(visit);
                }
                visits[slot] = visit;
            }
            PlannedEvent event = visit.next();
            if (visit.ended) {
                visits[slot] = null;
            }
            Transport transport = random.nextDouble() < mix.pixelShare() ? Transport.PIXEL : Transport.TRACKER;
            return new Hit(sequence++, visit.site, visit.visitor, transport, List.of(event), false);
        }
    }

    private Visit startVisit() {
        SiteProfile site = sites.get(siteChoice.sample(random));
        if (random.nextDouble() < mix.botShare()) {
            return new Visit(site, visitor(site, random.nextInt(BOTS_PER_SITE), true), new Referrers.Source(null, null), false);
        }
        int known = visitorsPerSite[site.index()];
        int index;
        if (known > 0 && (known >= mix.maxVisitorsPerSite() || random.nextDouble() < mix.returningShare())) {
            index = random.nextInt(known);
        } else {
            index = known;
            visitorsPerSite[site.index()]++;
        }
        boolean late = random.nextDouble() < mix.lateShare();
        return new Visit(site, visitor(site, index, false), Referrers.pick(random), late);
    }

    private Hit lateBatch(Visit visit) {
        List<PlannedEvent> events = new ArrayList<>();
        while (!visit.ended && events.size() < MAX_BATCH) {
            events.add(visit.next());
        }
        long skew = mix.maxClockSkew().toMillis();
        long maxLate = mix.maxLateness().toMillis();
        // Most late visits are a little late (a reconnecting phone), a few are minutes late.
        double kind = random.nextDouble();
        long first;
        if (kind < 0.6 || maxLate <= 60_000) {
            first = 2_000 + (long) (random.nextDouble() * (Math.min(maxLate, 60_000) - 2_000));
        } else if (kind < 0.9 || maxLate <= skew) {
            first = 60_000 + (long) (random.nextDouble() * (Math.min(maxLate, skew) - 60_000));
        } else {
            first = skew + (long) (random.nextDouble() * (maxLate - skew));
        }
        List<PlannedEvent> stamped = new ArrayList<>(events.size());
        long lateness = first;
        for (PlannedEvent event : events) {
            stamped.add(event.withLateness(Math.max(1_000, lateness)));
            lateness -= 3_000 + random.nextInt(27_000);
        }
        // The gateway measures from its receive time, a little after the send: a margin keeps events
        // near the skew limit on the safe side.
        long margin = Math.min(10_000, skew / 10);
        boolean needsKey = first > skew - margin;
        return new Hit(sequence++, visit.site, visit.visitor, Transport.EVENTS_API, stamped, needsKey);
    }

    /**
     * Visitor {@code index} of a site: the same on every call, from its own random stream. Every human
     * visitor of a site gets its own address (a bijection of the index onto 198.18.0.0/15, every eighth
     * an IPv6 address in 2001:db8::/32), so address and user agent identify it exactly.
     */
    Visitor visitor(SiteProfile site, int index, boolean bot) {
        SplittableRandom own = new SplittableRandom(Mix.of(mix.seed(), bot ? 0xB07L : 0x7157L, ((long) site.index() << 32) | index));
        if (bot) {
            String address = "198.19.255." + (index % 250 + 1);
            return new Visitor(index, Device.BOT, address, Browsers.userAgent(Device.BOT, own), null, 1920);
        }
        Device device = Browsers.DEVICES.pick(own);
        String address;
        if (index % 8 == 7 || index >= IPV4_SPACE) {
            address = String.format("2001:db8:%x:%x::%x", site.index(), index >>> 16, index & 0xFFFF);
        } else {
            // An odd multiplier is a bijection modulo 2^17: distinct indexes, distinct addresses.
            int offset = (int) ((index * 0x2F4D5L + site.index() * 0x1B3L) & (IPV4_SPACE - 1));
            address = "198." + (18 + (offset >>> 16)) + "." + ((offset >>> 8) & 0xFF) + "." + (offset & 0xFF);
        }
        return new Visitor(index, device, address, Browsers.userAgent(device, own), Browsers.LANGUAGES.pick(own),
                Browsers.screenWidth(device, own));
    }

    /** One visit in progress. */
    private final class Visit {
        final SiteProfile site;
        final Visitor visitor;
        final Referrers.Source source;
        final boolean late;
        final String host;
        String previousUrl;
        SiteProfile.Page page;
        String pageUrl;
        PlannedEvent pendingCustom;
        boolean ended;

        Visit(SiteProfile site, Visitor visitor, Referrers.Source source, boolean late) {
            this.site = site;
            this.visitor = visitor;
            this.source = source;
            this.late = late;
            // Some visitors type the bare domain; most arrive on www.
            this.host = random.nextDouble() < 0.2 ? site.domain() : site.wwwHost();
        }

        PlannedEvent next() {
            PlannedEvent event;
            if (pendingCustom != null) {
                event = pendingCustom;
                pendingCustom = null;
            } else {
                event = pageview();
                if (!visitor.bot()) {
                    pendingCustom = maybeCustomEvent();
                }
            }
            // A pending custom event always follows its page view.
            ended = pendingCustom == null && random.nextDouble() >= mix.continueShare();
            return event;
        }

        private PlannedEvent pageview() {
            page = site.pages().get(pageChoice.sample(random));
            boolean landing = previousUrl == null;
            Referrers.Campaign campaign = landing ? source.campaign() : null;
            String url = "https://" + host + page.path() + (campaign == null ? "" : "?" + campaign.query());
            String referrer = landing ? source.referrer() : previousUrl;
            previousUrl = url;
            pageUrl = url;
            return new PlannedEvent(PlannedEvent.PAGEVIEW, url, page.path(), referrer, page.title(), null, null, Map.of(),
                    campaign == null ? null : campaign.source(), campaign == null ? null : campaign.name(), 0);
        }

        private PlannedEvent maybeCustomEvent() {
            double roll = random.nextDouble();
            Map<String, String> props = new LinkedHashMap<>();
            String name;
            Long value = null;
            String currency = null;
            if (roll < 0.03) {
                name = "signup";
                props.put("plan", PLANS.pick(random));
            } else if (roll < 0.045) {
                name = "purchase";
                props.put("plan", PLANS.pick(random));
                value = PRICES_CENTS[random.nextInt(PRICES_CENTS.length)] * (1 + random.nextInt(3));
                currency = random.nextDouble() < 0.7 ? "EUR" : "USD";
            } else if (roll < 0.075) {
                name = "Outbound Link: Click";
                props.put("url", "https://github.com/tally-dev/tally");
            } else if (roll < 0.095) {
                name = "File Download";
                props.put("url", "https://" + site.wwwHost() + "/downloads/tally-1." + random.nextInt(10) + ".tar.gz");
            } else {
                return null;
            }
            // The custom event is sent from the page just viewed, so it carries that URL's campaign tags.
            boolean tagged = source.campaign() != null && pageUrl.contains("?utm_source=");
            return new PlannedEvent(name, pageUrl, page.path(), null, page.title(), value, currency, props,
                    tagged ? source.campaign().source() : null, tagged ? source.campaign().name() : null, 0);
        }
    }
}

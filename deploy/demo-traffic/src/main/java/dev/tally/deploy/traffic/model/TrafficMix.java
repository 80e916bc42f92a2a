package dev.tally.deploy.traffic.model;

import java.time.Duration;

/**
 * What the simulated traffic looks like. Everything but the seed has a default that resembles a
 * real mix; {@link #defaults(long, int)} and the {@code with...} methods build one.
 *
 * @param seed equal seeds give equal streams of hits
 * @param sites how many sites
 * @param siteIdPrefix put in front of every site id (tests make theirs unique); empty by default
 * @param pagesPerSite pages of each site, visited with Zipf-distributed popularity
 * @param pageExponent the pages' Zipf exponent
 * @param siteExponent the sites' Zipf exponent (0: equal traffic)
 * @param botShare share of visits made by crawlers
 * @param returningShare share of human visits by a visitor seen before on that site
 * @param lateShare share of human visits delivered late, as one batch with client timestamps
 * @param maxLateness the oldest a late event may be; keep it inside the aggregator's grace period
 * @param maxClockSkew the gateway's allowed clock skew: later than this, events are sent with the site key
 * @param pixelShare share of live hits sent through the GIF pixel instead of the tracker's JSON
 * @param continueShare chance that a visit goes on after each hit (mean hits per visit = 1 / (1 - it))
 * @param concurrentVisits visits in progress at once, whose hits interleave
 * @param maxVisitorsPerSite pool size of each site; once full, every visit is a returning one
 */
public record TrafficMix(long seed, int sites, String siteIdPrefix, int pagesPerSite, double pageExponent, double siteExponent,
                         double botShare, double returningShare, double lateShare, Duration maxLateness, Duration maxClockSkew,
                         double pixelShare, double continueShare, int concurrentVisits, int maxVisitorsPerSite) {

    public TrafficMix {
        if (sites < 1 || sites > 10_000) {
            throw new IllegalArgumentException("sites must be between 1 and 10000, was " + sites);
        }
        if (!siteIdPrefix.matches("[a-z0-9._-]{0,40}")) {
            throw new IllegalArgumentException("the site id prefix may hold a-z, 0-9, '.', '_' and '-' only, was '" + siteIdPrefix + "'");
        }
        if (pagesPerSite < 1) {
            throw new IllegalArgumentException("pagesPerSite must be at least 1");
        }
        share("botShare", botShare);
        share("returningShare", returningShare);
        share("lateShare", lateShare);
        share("pixelShare", pixelShare);
        if (!(continueShare >= 0 && continueShare < 1)) {
            throw new IllegalArgumentException("continueShare must be in [0, 1), was " + continueShare);
        }
        if (maxLateness.toSeconds() < 5) {
            throw new IllegalArgumentException("maxLateness must be at least 5 s");
        }
        if (maxClockSkew.isNegative() || maxClockSkew.isZero()) {
            throw new IllegalArgumentException("maxClockSkew must be positive");
        }
        if (concurrentVisits < 1 || maxVisitorsPerSite < 1) {
            throw new IllegalArgumentException("concurrentVisits and maxVisitorsPerSite must be at least 1");
        }
    }

    /**
     * About 10% bots, a third of human visits returning, 3% delivered late by up to 8 minutes (inside
     * the aggregator's default 10-minute grace; beyond the gateway's default 5-minute skew with the
     * site key), a fifth of live hits through the pixel, 2.5 hits per visit.
     */
    public static TrafficMix defaults(long seed, int sites) {
        return new TrafficMix(seed, sites, "", 200, 1.1, 1.0, 0.10, 0.35, 0.03, Duration.ofMinutes(8), Duration.ofMinutes(5),
                0.20, 0.6, 64, 1_000_000);
    }

    public TrafficMix withSiteIdPrefix(String prefix) {
        return new TrafficMix(seed, sites, prefix, pagesPerSite, pageExponent, siteExponent, botShare, returningShare, lateShare,
                maxLateness, maxClockSkew, pixelShare, continueShare, concurrentVisits, maxVisitorsPerSite);
    }

    public TrafficMix withShares(double bots, double returning, double late, double pixel) {
        return new TrafficMix(seed, sites, siteIdPrefix, pagesPerSite, pageExponent, siteExponent, bots, returning, late,
                maxLateness, maxClockSkew, pixel, continueShare, concurrentVisits, maxVisitorsPerSite);
    }

    public TrafficMix withLateness(Duration maxLateness, Duration maxClockSkew) {
        return new TrafficMix(seed, sites, siteIdPrefix, pagesPerSite, pageExponent, siteExponent, botShare, returningShare, lateShare,
                maxLateness, maxClockSkew, pixelShare, continueShare, concurrentVisits, maxVisitorsPerSite);
    }

    public TrafficMix withPages(int pagesPerSite, double pageExponent) {
        return new TrafficMix(seed, sites, siteIdPrefix, pagesPerSite, pageExponent, siteExponent, botShare, returningShare, lateShare,
                maxLateness, maxClockSkew, pixelShare, continueShare, concurrentVisits, maxVisitorsPerSite);
    }

    private static void share(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, was " + value);
        }
    }
}

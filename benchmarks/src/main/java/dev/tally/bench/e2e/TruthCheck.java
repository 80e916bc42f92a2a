package dev.tally.bench.e2e;

import java.util.List;
import java.util.Locale;

/**
 * The closing check: what the query API says about each site against the generator's own count of
 * what the gateway acknowledged. Page views and custom events of humans must be equal; visitors are a
 * HyperLogLog estimate (DataSketches, lgConfigK 12) and must lie within three relative standard errors.
 */
final class TruthCheck {
    /** Relative standard error of an HLL sketch with 2^12 registers: 1.04 / sqrt(4096). */
    static final double SKETCH_RSE = 1.04 / Math.sqrt(4096);
    /** A site's visitors may be off by this much (3 sigma): with a few dozen sites, 2 sigma would fail one by chance. */
    static final double VISITOR_TOLERANCE = 3 * SKETCH_RSE;

    private TruthCheck() {}

    /** One site: expected (the generator's count) against observed (the query API's answer). */
    record SiteCheck(String site, long expectedPageviews, long pageviews, long expectedEvents, long events,
                     long expectedVisitors, double visitors) {

        boolean countsExact() {
            return expectedPageviews == pageviews && expectedEvents == events;
        }

        /** Relative error of the visitor estimate; 0 when both are 0. */
        double visitorError() {
            if (expectedVisitors == 0) {
                return visitors == 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            return (visitors - expectedVisitors) / expectedVisitors;
        }

        boolean visitorsWithin() {
            return Math.abs(visitorError()) <= VISITOR_TOLERANCE;
        }

        boolean passed() {
            return countsExact() && visitorsWithin();
        }
    }

    /**
     * @param uncertainEvents events of requests that got no answer: with any, exactness cannot be claimed
     */
    record Result(List<SiteCheck> sites, long uncertainEvents, double secondsToConverge) {

        Result {
            sites = List.copyOf(sites);
        }

        boolean passed() {
            return uncertainEvents == 0 && !sites.isEmpty() && sites.stream().allMatch(SiteCheck::passed);
        }

        long expectedPageviews() {
            return sites.stream().mapToLong(SiteCheck::expectedPageviews).sum();
        }

        long pageviews() {
            return sites.stream().mapToLong(SiteCheck::pageviews).sum();
        }

        long expectedEvents() {
            return sites.stream().mapToLong(SiteCheck::expectedEvents).sum();
        }

        long events() {
            return sites.stream().mapToLong(SiteCheck::events).sum();
        }

        long exactSites() {
            return sites.stream().filter(SiteCheck::countsExact).count();
        }

        long visitorSitesWithin() {
            return sites.stream().filter(SiteCheck::visitorsWithin).count();
        }

        /** Root mean square of the sites' relative visitor errors: compare with {@link #SKETCH_RSE}. */
        double rmsVisitorError() {
            return Math.sqrt(sites.stream().mapToDouble(s -> s.visitorError() * s.visitorError()).average().orElse(0));
        }

        double maxVisitorError() {
            return sites.stream().mapToDouble(s -> Math.abs(s.visitorError())).max().orElse(0);
        }

        String summary() {
            return String.format(Locale.ROOT,
                    "%s: page views %,d of %,d, custom events %,d of %,d (%d of %d sites exact); visitors within ±%.1f%% on %d of %d sites"
                            + " (RMS error %.2f%%, largest %.2f%%; sketch RSE %.2f%%)%s",
                    passed() ? "passed" : "**FAILED**", pageviews(), expectedPageviews(), events(), expectedEvents(), exactSites(),
                    sites.size(), VISITOR_TOLERANCE * 100, visitorSitesWithin(), sites.size(), rmsVisitorError() * 100,
                    maxVisitorError() * 100, SKETCH_RSE * 100,
                    uncertainEvents > 0 ? "; " + uncertainEvents + " events got no answer, so exactness cannot be claimed" : "");
        }
    }
}

package dev.tally.deploy.traffic.model;

import java.util.SplittableRandom;

/**
 * Where a visit comes from: direct, a search engine, a social network, a link on another site, or a
 * campaign (a landing URL with {@code utm_*} tags, with or without a referrer). Search engines send
 * only their origin, as their referrer policies make browsers do.
 */
final class Referrers {
    /** The source of one visit: the referrer (null for direct) and the campaign tags of the landing URL (null for none). */
    record Source(String referrer, Campaign campaign) {}

    record Campaign(String source, String medium, String name) {
        String query() {
            return "utm_source=" + source + "&utm_medium=" + medium + "&utm_campaign=" + name;
        }
    }

    private static final Weighted<String> SEARCH = new Weighted<String>()
            .add(70, "https://www.google.com/")
            .add(10, "https://www.bing.com/")
            .add(7, "https://duckduckgo.com/")
            .add(3, "https://www.ecosia.org/")
            .add(3, "https://search.yahoo.com/")
            .add(3, "https://yandex.com/")
            .add(2, "https://www.startpage.com/")
            .add(2, "https://www.baidu.com/");

    private static final Weighted<String> SOCIAL = new Weighted<String>()
            .add(20, "https://t.co/")
            .add(15, "https://l.facebook.com/")
            .add(15, "https://www.reddit.com/")
            .add(12, "https://www.linkedin.com/")
            .add(10, "https://news.ycombinator.com/")
            .add(8, "https://www.youtube.com/")
            .add(8, "https://www.instagram.com/")
            .add(6, "https://bsky.app/")
            .add(6, "https://mastodon.social/");

    private static final Weighted<String> OTHER = new Weighted<String>()
            .add(25, "https://github.com/tally-dev/tally")
            .add(20, "https://stackoverflow.com/questions/78201/self-hosted-analytics")
            .add(15, "https://dev.to/ops/web-analytics-without-cookies")
            .add(15, "https://medium.com/@writer/privacy-friendly-analytics")
            .add(15, "https://en.wikipedia.org/wiki/Web_analytics")
            .add(10, "https://www.producthunt.com/products/tally");

    private static final Weighted<Source> CAMPAIGNS = new Weighted<Source>()
            .add(35, new Source(null, new Campaign("newsletter", "email", "monthly-digest")))
            .add(25, new Source("https://www.google.com/", new Campaign("google", "cpc", "brand-search")))
            .add(15, new Source("https://l.facebook.com/", new Campaign("facebook", "paid_social", "black-friday")))
            .add(10, new Source("https://t.co/", new Campaign("twitter", "social", "launch-week")))
            .add(10, new Source("https://www.bing.com/", new Campaign("bing", "cpc", "generic-search")))
            .add(5, new Source("https://partner.example/reviews", new Campaign("partner", "referral", "affiliate")));

    private enum Kind { DIRECT, SEARCH, SOCIAL, OTHER, CAMPAIGN }

    private static final Weighted<Kind> KINDS = new Weighted<Kind>()
            .add(35, Kind.DIRECT)
            .add(30, Kind.SEARCH)
            .add(12, Kind.SOCIAL)
            .add(13, Kind.OTHER)
            .add(10, Kind.CAMPAIGN);

    private Referrers() {}

    static Source pick(SplittableRandom random) {
        return switch (KINDS.pick(random)) {
            case DIRECT -> new Source(null, null);
            case SEARCH -> new Source(SEARCH.pick(random), null);
            case SOCIAL -> new Source(SOCIAL.pick(random), null);
            case OTHER -> new Source(OTHER.pick(random), null);
            case CAMPAIGN -> CAMPAIGNS.pick(random);
        };
    }
}

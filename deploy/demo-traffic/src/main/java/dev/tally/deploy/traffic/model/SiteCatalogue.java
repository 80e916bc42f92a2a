package dev.tally.deploy.traffic.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The simulated sites, the same for the same seed: ids such as {@code shop.example} (the reserved
 * {@code .example} top-level domain, so no real site is ever named), each with its own pages in its
 * own popularity order, and traffic shares falling off as a Zipf distribution: one hot site, a tail of
 * small ones.
 */
public final class SiteCatalogue {
    private static final List<String> NAMES = List.of("shop", "blog", "docs", "news", "app", "store", "wiki", "forum",
            "travel", "recipes", "games", "music", "photos", "jobs", "events", "learn", "status", "support", "labs", "cloud");
    private static final List<String[]> SECTIONS = List.of(
            new String[] {"/pricing", "Pricing"}, new String[] {"/features", "Features"}, new String[] {"/about", "About us"},
            new String[] {"/blog", "Blog"}, new String[] {"/docs", "Documentation"}, new String[] {"/contact", "Contact"},
            new String[] {"/signup", "Sign up"}, new String[] {"/login", "Log in"}, new String[] {"/careers", "Careers"},
            new String[] {"/changelog", "Changelog"}, new String[] {"/privacy", "Privacy policy"}, new String[] {"/terms", "Terms"});
    private static final List<String> TOPICS = List.of("getting-started", "install", "configuration", "api", "faq", "security",
            "performance", "migration", "release-notes", "tutorial", "guide", "comparison", "case-study", "roadmap", "integrations");

    private SiteCatalogue() {}

    /**
     * @param idPrefix put in front of every site id (tests use a unique one); empty for the demo
     * @param siteExponent how unequal the sites' traffic is (0: equal shares)
     */
    public static List<SiteProfile> generate(long seed, int count, String idPrefix, int pagesPerSite, double siteExponent) {
        if (count < 1 || pagesPerSite < 1) {
            throw new IllegalArgumentException("need at least one site with at least one page");
        }
        Zipf shares = new Zipf(count, siteExponent);
        List<SiteProfile> sites = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            String name = index < NAMES.size() ? NAMES.get(index) : String.format(Locale.ROOT, "site%04d", index);
            String domain = name + ".example";
            SplittableRandom random = new SplittableRandom(Mix.of(seed, 0x5173L, index));
            sites.add(new SiteProfile(index, idPrefix + domain, domain, pages(random, name, pagesPerSite), shares.probability(index)));
        }
        return List.copyOf(sites);
    }

    private static List<SiteProfile.Page> pages(SplittableRandom random, String name, int count) {
        String siteTitle = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        List<SiteProfile.Page> pages = new ArrayList<>(count);
        for (String[] section : SECTIONS) {
            pages.add(new SiteProfile.Page(section[0], section[1] + " · " + siteTitle));
        }
        for (int n = 1; pages.size() < count - 1; n++) {
            String topic = TOPICS.get(random.nextInt(TOPICS.size()));
            String words = Character.toUpperCase(topic.charAt(0)) + topic.substring(1).replace('-', ' ');
            pages.add(switch (n % 3) {
                case 0 -> new SiteProfile.Page("/blog/" + topic + "-" + n, words + ", part " + n + " · " + siteTitle + " blog");
                case 1 -> new SiteProfile.Page("/docs/" + topic + "/" + n, words + " (" + n + ") · " + siteTitle + " docs");
                default -> new SiteProfile.Page("/products/item-" + n, "Product " + n + " · " + siteTitle);
            });
        }
        // Every site has its own popularity order, but the home page always leads.
        Collections.shuffle(pages, new java.util.Random(random.nextLong()));
        List<SiteProfile.Page> ranked = new ArrayList<>(count);
        ranked.add(new SiteProfile.Page("/", siteTitle));
        ranked.addAll(pages.subList(0, Math.min(pages.size(), count - 1)));
        return ranked;
    }
}

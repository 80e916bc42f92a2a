package dev.tally.deploy.traffic.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficModelTest {
    private static final int HITS = 60_000;

    private static List<Hit> stream(TrafficMix mix, int count) {
        TrafficModel model = new TrafficModel(mix);
        List<Hit> hits = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            hits.add(model.next());
        }
        return hits;
    }

    /** The first page view of a visit: its referrer, if any, is not one of the site's own pages. */
    private static boolean landing(Hit hit, PlannedEvent event) {
        String referrer = event.referrer();
        return event.pageview() && (referrer == null
                || !(referrer.startsWith("https://" + hit.site().domain() + "/") || referrer.startsWith("https://" + hit.site().wwwHost() + "/")));
    }

    private static List<PlannedEvent> events(List<Hit> hits, boolean bots) {
        return hits.stream().filter(h -> h.visitor().bot() == bots).flatMap(h -> h.events().stream()).toList();
    }

    @Test
    void the_same_seed_gives_the_same_stream() {
        TrafficMix mix = TrafficMix.defaults(42, 7);

        assertThat(stream(mix, 5_000)).isEqualTo(stream(mix, 5_000));
    }

    @Test
    void another_seed_gives_another_stream() {
        List<Hit> one = stream(TrafficMix.defaults(1, 7), 200);
        List<Hit> other = stream(TrafficMix.defaults(2, 7), 200);

        assertThat(one).isNotEqualTo(other);
        assertThat(one.stream().map(h -> h.visitor().address()).toList())
                .isNotEqualTo(other.stream().map(h -> h.visitor().address()).toList());
    }

    @Test
    void hits_are_numbered_in_order() {
        List<Hit> hits = stream(TrafficMix.defaults(3, 2), 1_000);

        for (int i = 0; i < hits.size(); i++) {
            assertThat(hits.get(i).sequence()).isEqualTo(i);
        }
    }

    @Test
    void about_a_tenth_of_the_events_come_from_crawlers_with_bot_user_agents_and_no_custom_events() {
        List<Hit> hits = stream(TrafficMix.defaults(5, 5), HITS);
        List<PlannedEvent> bot = events(hits, true);
        long all = hits.stream().mapToLong(h -> h.events().size()).sum();

        assertThat((double) bot.size() / all).isCloseTo(0.10, within(0.015));
        assertThat(bot).allMatch(PlannedEvent::pageview);
        assertThat(hits.stream().filter(h -> h.visitor().bot()).map(h -> h.visitor().userAgent()))
                .allMatch(Browsers.BOTS::contains)
                .allMatch(ua -> ua.toLowerCase(java.util.Locale.ROOT).contains("bot"));
        assertThat(hits.stream().filter(h -> !h.visitor().bot()).map(h -> h.visitor().userAgent()))
                .noneMatch(ua -> ua.toLowerCase(java.util.Locale.ROOT).contains("bot"));
    }

    @Test
    void page_popularity_follows_the_zipf_distribution() {
        TrafficMix mix = TrafficMix.defaults(9, 1).withPages(50, 1.1);
        TrafficModel model = new TrafficModel(mix);
        List<SiteProfile.Page> pages = model.sites().get(0).pages();
        Map<String, Integer> views = new HashMap<>();
        int total = 0;
        for (int i = 0; i < HITS; i++) {
            for (PlannedEvent event : model.next().events()) {
                if (event.pageview()) {
                    views.merge(event.path(), 1, Integer::sum);
                    total++;
                }
            }
        }
        Zipf zipf = new Zipf(50, 1.1);
        for (int rank : new int[] {0, 1, 4, 20}) {
            double share = views.getOrDefault(pages.get(rank).path(), 0) / (double) total;
            assertThat(share).as("rank %d", rank).isCloseTo(zipf.probability(rank), within(zipf.probability(rank) * 0.1 + 0.002));
        }
        assertThat(pages.get(0).path()).isEqualTo("/");
    }

    @Test
    void the_busiest_site_gets_the_largest_share() {
        List<Hit> hits = stream(TrafficMix.defaults(11, 4), HITS);
        Map<Integer, Integer> perSite = new HashMap<>();
        hits.forEach(h -> perSite.merge(h.site().index(), h.events().size(), Integer::sum));

        assertThat(perSite.get(0)).isGreaterThan(perSite.get(1));
        assertThat(perSite.get(1)).isGreaterThan(perSite.get(3));
        assertThat(perSite.get(0) / (double) hits.stream().mapToInt(h -> h.events().size()).sum())
                .isCloseTo(new Zipf(4, 1.0).probability(0), within(0.03));
    }

    @Test
    void landings_come_from_the_configured_mix_of_sources() {
        List<PlannedEvent> landings = new ArrayList<>();
        TrafficModel model = new TrafficModel(TrafficMix.defaults(13, 3).withShares(0.1, 0.35, 0, 0.2));
        for (int i = 0; i < HITS; i++) {
            Hit hit = model.next();
            if (!hit.visitor().bot() && landing(hit, hit.events().get(0))) {
                landings.add(hit.events().get(0));
            }
        }
        double search = landings.stream().filter(e -> e.referrer() != null && e.utmSource() == null
                && (e.referrer().contains("google") || e.referrer().contains("bing") || e.referrer().contains("duckduckgo")
                || e.referrer().contains("ecosia") || e.referrer().contains("yahoo") || e.referrer().contains("yandex")
                || e.referrer().contains("startpage") || e.referrer().contains("baidu"))).count() / (double) landings.size();
        double campaigns = landings.stream().filter(e -> e.utmSource() != null).count() / (double) landings.size();
        double direct = landings.stream().filter(e -> e.referrer() == null && e.utmSource() == null).count() / (double) landings.size();

        assertThat(search).isCloseTo(0.30, within(0.03));
        assertThat(campaigns).isCloseTo(0.10, within(0.02));
        assertThat(direct).isCloseTo(0.35, within(0.03));
        assertThat(landings).filteredOn(e -> e.utmSource() != null)
                .allMatch(e -> e.url().contains("?utm_source=" + e.utmSource() + "&utm_medium=")
                        && e.url().endsWith("&utm_campaign=" + e.utmCampaign()));
    }

    @Test
    void a_returning_visitor_is_the_same_address_and_browser_and_new_ones_never_share_an_address() {
        TrafficMix mix = TrafficMix.defaults(17, 2);
        TrafficModel model = new TrafficModel(mix);
        SiteProfile site = model.sites().get(1);

        assertThat(model.visitor(site, 123, false)).isEqualTo(model.visitor(site, 123, false));
        Set<String> addresses = new HashSet<>();
        for (int index = 0; index < 200_000; index++) {
            assertThat(addresses.add(model.visitor(site, index, false).address())).as("address of visitor %d", index).isTrue();
        }
    }

    @Test
    void about_the_configured_share_of_visits_are_by_returning_visitors() {
        TrafficModel model = new TrafficModel(TrafficMix.defaults(19, 1).withShares(0, 0.35, 0, 0.2));
        Set<Integer> seen = new HashSet<>();
        int landings = 0;
        int returning = 0;
        for (int i = 0; i < HITS; i++) {
            Hit hit = model.next();
            boolean landing = landing(hit, hit.events().get(0));
            if (landing) {
                landings++;
                if (!seen.add(hit.visitor().index())) {
                    returning++;
                }
            }
        }
        assertThat(returning / (double) landings).isCloseTo(0.35, within(0.04));
    }

    @Test
    void late_visits_come_as_batches_within_the_maximum_lateness_with_the_key_only_when_older_than_the_skew() {
        TrafficMix mix = TrafficMix.defaults(23, 3).withShares(0.10, 0.35, 0.05, 0.2)
                .withLateness(Duration.ofMinutes(8), Duration.ofMinutes(5));
        List<Hit> hits = stream(mix, HITS);
        List<Hit> late = hits.stream().filter(Hit::late).toList();
        List<PlannedEvent> human = events(hits, false);

        assertThat(late).isNotEmpty().allMatch(h -> h.transport() == Transport.EVENTS_API).noneMatch(h -> h.visitor().bot());
        assertThat(hits.stream().filter(h -> !h.late())).allMatch(h -> h.transport() != Transport.EVENTS_API && h.events().size() == 1);
        double lateShare = human.stream().filter(e -> e.latenessMillis() > 0).count() / (double) human.size();
        assertThat(lateShare).isCloseTo(0.05, within(0.012));
        for (Hit hit : late) {
            assertThat(hit.events()).allMatch(e -> e.latenessMillis() >= 1_000 && e.latenessMillis() <= Duration.ofMinutes(8).toMillis());
            long oldest = hit.events().get(0).latenessMillis();
            assertThat(hit.needsSiteKey()).isEqualTo(oldest > Duration.ofMinutes(5).toMillis() - 10_000);
            for (int i = 1; i < hit.events().size(); i++) {
                assertThat(hit.events().get(i).latenessMillis()).isLessThanOrEqualTo(hit.events().get(i - 1).latenessMillis());
            }
        }
        assertThat(late).anyMatch(Hit::needsSiteKey).anyMatch(h -> !h.needsSiteKey());
    }

    @Test
    void custom_events_follow_page_views_and_purchases_carry_a_value_in_a_currency() {
        List<Hit> hits = stream(TrafficMix.defaults(29, 3), HITS);
        List<PlannedEvent> human = events(hits, false);
        List<PlannedEvent> custom = human.stream().filter(e -> !e.pageview()).toList();

        assertThat(custom.size() / (double) human.size()).isBetween(0.05, 0.10);
        assertThat(custom).extracting(PlannedEvent::name)
                .containsOnly("signup", "purchase", "Outbound Link: Click", "File Download");
        assertThat(custom).filteredOn(e -> e.name().equals("purchase")).isNotEmpty()
                .allMatch(e -> e.valueCents() != null && e.valueCents() > 0 && Set.of("EUR", "USD").contains(e.currency())
                        && e.props().containsKey("plan"));
        assertThat(custom).filteredOn(e -> !e.name().equals("purchase")).allMatch(e -> e.valueCents() == null);
    }

    @Test
    void devices_and_transports_are_mixed_as_configured() {
        List<Hit> hits = stream(TrafficMix.defaults(31, 3), HITS);
        List<Hit> humans = hits.stream().filter(h -> !h.visitor().bot()).toList();
        double mobile = humans.stream().filter(h -> h.visitor().device() == Device.MOBILE).count() / (double) humans.size();
        List<Hit> live = hits.stream().filter(h -> !h.late()).toList();
        double pixel = live.stream().filter(h -> h.transport() == Transport.PIXEL).count() / (double) live.size();

        assertThat(mobile).isCloseTo(0.43, within(0.05));
        assertThat(pixel).isCloseTo(0.20, within(0.015));
        assertThat(humans).filteredOn(h -> h.visitor().device() == Device.MOBILE)
                .allMatch(h -> h.visitor().screenWidth() < 500 && (h.visitor().userAgent().contains("Mobile")));
    }

    @Test
    void sites_have_registrable_ids_and_every_page_url_is_on_an_allowed_host() {
        TrafficModel model = new TrafficModel(TrafficMix.defaults(37, 25).withSiteIdPrefix("it-1-"));

        assertThat(model.sites()).hasSize(25).extracting(SiteProfile::id).doesNotHaveDuplicates()
                .allMatch(id -> id.matches("[a-z0-9][a-z0-9._-]{0,63}") && id.startsWith("it-1-"));
        for (int i = 0; i < 5_000; i++) {
            Hit hit = model.next();
            for (PlannedEvent event : hit.events()) {
                String host = java.net.URI.create(event.url()).getHost();
                assertThat(host).satisfiesAnyOf(h -> assertThat(h).isEqualTo(hit.site().domain()),
                        h -> assertThat(h).isEqualTo(hit.site().wwwHost()));
            }
        }
    }
}

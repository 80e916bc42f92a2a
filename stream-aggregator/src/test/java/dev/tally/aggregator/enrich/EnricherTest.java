package dev.tally.aggregator.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.schemas.avro.EnrichedEvent;
import dev.tally.schemas.avro.TrackedEvent;
import org.junit.jupiter.api.Test;

class EnricherTest {
    private final Enricher enricher = SharedClassifier.enricher();

    private EnrichedEvent enrich(TrackedEvent.Builder event) {
        return enricher.enrich(event.build());
    }

    @Test
    void keeps_the_tracked_event_unchanged_inside_the_enriched_one() {
        TrackedEvent event = TrackedEvents.pageview().setUrl("https://Example.com/a?x=1").build();

        assertThat(enricher.enrich(event).getEvent()).isEqualTo(event);
    }

    @Test
    void reads_browser_major_version_os_and_device_from_the_user_agent() {
        EnrichedEvent desktop = enrich(TrackedEvents.pageview());
        EnrichedEvent phone = enrich(TrackedEvents.pageview().setUserAgent(TrackedEvents.IPHONE));

        assertThat(desktop.getBrowser()).isEqualTo("Chrome");
        assertThat(desktop.getBrowserVersion()).isEqualTo("126");
        assertThat(desktop.getOs()).isEqualTo("Windows");
        assertThat(desktop.getDeviceType()).isEqualTo("desktop");
        assertThat(desktop.getBot()).isFalse();
        assertThat(phone.getBrowser()).isEqualTo("Safari");
        assertThat(phone.getOs()).isEqualTo("iOS");
        assertThat(phone.getDeviceType()).isEqualTo("mobile");
    }

    @Test
    void recognises_an_ipad_as_a_tablet_and_a_mac_as_macos() {
        EnrichedEvent ipad = enrich(TrackedEvents.pageview().setUserAgent(
                "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"));
        EnrichedEvent mac = enrich(TrackedEvents.pageview().setUserAgent(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:127.0) Gecko/20100101 Firefox/127.0"));

        assertThat(ipad.getDeviceType()).isEqualTo("tablet");
        assertThat(mac.getOs()).isEqualTo("macOS");
        assertThat(mac.getBrowser()).isEqualTo("Firefox");
    }

    @Test
    void flags_crawlers_scripts_and_headless_browsers_as_bots_without_dropping_them() {
        for (String agent : new String[] {
                TrackedEvents.GOOGLEBOT,
                "curl/8.5.0",
                "python-requests/2.32.3",
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36"}) {
            EnrichedEvent event = enrich(TrackedEvents.pageview().setUserAgent(agent));
            assertThat(event.getBot()).as(agent).isTrue();
            assertThat(event.getDeviceType()).as(agent).isEqualTo("bot");
        }
    }

    @Test
    void without_a_user_agent_everything_is_unknown_and_the_screen_width_hints_the_device() {
        EnrichedEvent event = enrich(TrackedEvents.pageview().setUserAgent(null).setScreenWidth(390));

        assertThat(event.getBrowser()).isEqualTo("unknown");
        assertThat(event.getBrowserVersion()).isNull();
        assertThat(event.getOs()).isEqualTo("unknown");
        assertThat(event.getDeviceType()).isEqualTo("mobile");
        assertThat(event.getBot()).isFalse();
    }

    @Test
    void normalises_the_path_and_host_and_strips_query_and_fragment() {
        EnrichedEvent event = enrich(TrackedEvents.pageview().setUrl("https://User@WWW.Example.COM:8443/Pricing/?plan=pro#faq"));

        assertThat(event.getPath()).isEqualTo("/Pricing");
        assertThat(event.getUrlHost()).isEqualTo("www.example.com");
        assertThat(enrich(TrackedEvents.pageview().setUrl("https://example.com")).getPath()).isEqualTo("/");
        assertThat(enrich(TrackedEvents.pageview().setUrl("https://example.com//")).getPath()).isEqualTo("/");
        assertThat(enrich(TrackedEvents.pageview().setUrl("not a url")).getUrlHost()).isNull();
    }

    @Test
    void reads_all_five_utm_parameters_percent_decoded() {
        EnrichedEvent event = enrich(TrackedEvents.pageview().setUrl(
                "https://example.com/?utm_source=news%20letter&utm_medium=Email&utm_campaign=black+friday&utm_term=shoes&utm_content=hero&utm_bad=%zz"));

        assertThat(event.getUtmSource()).isEqualTo("news letter");
        assertThat(event.getUtmMedium()).isEqualTo("Email");
        assertThat(event.getUtmCampaign()).isEqualTo("black friday");
        assertThat(event.getUtmTerm()).isEqualTo("shoes");
        assertThat(event.getUtmContent()).isEqualTo("hero");
        assertThat(event.getChannel()).isEqualTo("email");
    }

    @Test
    void classifies_channels_from_referrer_list_utm_medium_and_click_ids() {
        assertThat(channel("https://example.com/", null)).isEqualTo("direct");
        assertThat(channel("https://example.com/", "https://www.google.co.uk/search?q=x")).isEqualTo("search");
        assertThat(channel("https://example.com/", "https://duckduckgo.com/")).isEqualTo("search");
        assertThat(channel("https://example.com/", "https://t.co/abc")).isEqualTo("social");
        assertThat(channel("https://example.com/", "https://old.reddit.com/r/java")).isEqualTo("social");
        assertThat(channel("https://example.com/", "https://mail.google.com/mail/u/0")).isEqualTo("email");
        assertThat(channel("https://example.com/", "https://blog.somewhere.org/post")).isEqualTo("referral");
        assertThat(channel("https://example.com/?utm_medium=cpc", "https://www.google.com/")).isEqualTo("paid");
        assertThat(channel("https://example.com/?gclid=abc", "https://www.google.com/")).isEqualTo("paid");
        assertThat(channel("https://example.com/?utm_source=partner", null)).isEqualTo("referral");
    }

    @Test
    void gives_the_referrer_host_without_www_and_ignores_the_sites_own_pages() {
        assertThat(enrich(TrackedEvents.pageview().setReferrer("https://WWW.Google.com/search?q=x")).getReferrerHost())
                .isEqualTo("google.com");
        EnrichedEvent internal = enrich(TrackedEvents.pageview().setUrl("https://www.example.com/b").setReferrer("https://example.com/a"));
        assertThat(internal.getReferrerHost()).isNull();
        assertThat(internal.getChannel()).isEqualTo("direct");
    }

    private String channel(String url, String referrer) {
        return enrich(TrackedEvents.pageview().setUrl(url).setReferrer(referrer)).getChannel();
    }
}

package dev.tally.gateway.ingest;

import static dev.tally.gateway.ingest.Fixtures.MAX_CLOCK_SKEW;
import static dev.tally.gateway.ingest.Fixtures.NOW;
import static dev.tally.gateway.ingest.Fixtures.RETENTION_DAYS;
import static dev.tally.gateway.ingest.Fixtures.SITE_KEY;
import static dev.tally.gateway.ingest.Fixtures.USER_AGENT;
import static dev.tally.gateway.ingest.Fixtures.VISITOR_IP;
import static dev.tally.gateway.ingest.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.Site;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventFactoryTest {
    private static final String FRESH_COOKIE = "00112233445566778899aabbccddeeff";

    private final Fixtures.CountingSalts salts = new Fixtures.CountingSalts();
    private final EventFactory factory = Fixtures.factory(Fixtures.standardSites(), salts, false);

    private EventFactory.Outcome create(Fixtures.Builder event) {
        return factory.create(event.build());
    }

    private TrackedEvent accepted(Fixtures.Builder event) {
        EventFactory.Outcome outcome = create(event);
        assertThat(outcome.rejection()).as("rejection").isNull();
        assertThat(outcome.isAccepted()).as("accepted").isTrue();
        return outcome.event();
    }

    private Rejection rejection(Fixtures.Builder event) {
        EventFactory.Outcome outcome = create(event);
        assertThat(outcome.isAccepted()).as("accepted").isFalse();
        assertThat(outcome.isIgnored()).as("ignored").isFalse();
        return outcome.rejection();
    }

    // --- accepted events -------------------------------------------------------------------------------

    @Test
    void a_page_view_maps_every_field() {
        EventFactory.Outcome outcome = create(event()
                .url("https://Example.com/pricing?session=abc&utm_source=news#plans")
                .referrer("https://news.example.org/story?id=1")
                .title("Pricing – Example")
                .screenWidth("1280")
                .acceptLanguage("de-CH,de;q=0.9,en;q=0.8")
                .props(Map.of("plan", "pro")));

        assertThat(outcome.isAccepted()).isTrue();
        assertThat(outcome.setsCookie()).isFalse();
        TrackedEvent event = outcome.event();
        assertThat(UUID.fromString(event.getEventId()).version()).isEqualTo(4);
        assertThat(UUID.fromString(event.getEventId()).variant()).isEqualTo(2);
        assertThat(event.getSiteId()).isEqualTo("example.com");
        assertThat(event.getReceivedAt()).isEqualTo(NOW);
        assertThat(event.getClientTime()).isNull();
        assertThat(event.getType()).isEqualTo(EventType.PAGEVIEW);
        assertThat(event.getName()).isEqualTo("pageview");
        assertThat(event.getUrl()).isEqualTo("https://example.com/pricing?utm_source=news#plans");
        // Referrers are cleaned like page URLs: their query strings carry search terms and tokens.
        assertThat(event.getReferrer()).isEqualTo("https://news.example.org/story");
        assertThat(event.getTitle()).isEqualTo("Pricing – Example");
        assertThat(event.getLanguage()).isEqualTo("de-CH");
        assertThat(event.getScreenWidth()).isEqualTo(1280);
        assertThat(event.getUserAgent()).isEqualTo(USER_AGENT);
        assertThat(event.getVisitorId())
                .isEqualTo(new VisitorIdentity(salts).cookielessId("example.com", VISITOR_IP, USER_AGENT, NOW));
        assertThat(event.getNewVisitor()).isNull();
        assertThat(event.getValue()).isNull();
        assertThat(event.getCurrency()).isNull();
        assertThat(event.getProps()).containsExactly(entry("plan", "pro"));
        assertThat(event.getClientIp()).isNull();
        assertThat(event.toString()).doesNotContain(VISITOR_IP);
    }

    @Test
    void stores_the_client_ip_only_when_the_operator_turned_it_on() {
        EventFactory storing = Fixtures.factory(Fixtures.standardSites(), salts, true);

        TrackedEvent event = storing.create(event().build()).event();

        assertThat(event.getClientIp()).isEqualTo(VISITOR_IP);
        assertThat(event.getVisitorId()).doesNotContain(VISITOR_IP);
    }

    @Test
    void every_event_gets_its_own_random_id() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            ids.add(accepted(event()).getEventId());
        }

        assertThat(ids).hasSize(200);
    }

    @Test
    void a_custom_event_keeps_its_name_value_currency_and_props() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("plan", "pro");
        props.put("seats", "5");

        TrackedEvent event = accepted(event().name(" Signup ").value("49.90").currency("eur").props(props));

        assertThat(event.getType()).isEqualTo(EventType.CUSTOM);
        assertThat(event.getName()).isEqualTo("Signup");
        assertThat(event.getValue()).isEqualTo(49.90);
        assertThat(event.getCurrency()).isEqualTo("EUR");
        assertThat(event.getProps()).containsExactly(entry("plan", "pro"), entry("seats", "5"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pageview", "PageView", "PAGEVIEW", " pageview "})
    void the_pageview_name_in_any_case_is_a_page_view(String name) {
        TrackedEvent event = accepted(event().name(name));

        assertThat(event.getType()).isEqualTo(EventType.PAGEVIEW);
        assertThat(event.getName()).isEqualTo("pageview");
    }

    @Test
    void a_blank_name_is_a_page_view() {
        assertThat(accepted(event().name("  ")).getType()).isEqualTo(EventType.PAGEVIEW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"engagement", "Engagement", " ENGAGEMENT "})
    void engagement_events_are_ignored_not_rejected(String name) {
        EventFactory.Outcome outcome = create(event().name(name));

        assertThat(outcome.isIgnored()).isTrue();
        assertThat(outcome.isAccepted()).isFalse();
        assertThat(outcome.rejection()).isNull();
        assertThat(outcome.setsCookie()).isFalse();
    }

    @Test
    void an_unknown_currency_label_is_dropped_and_the_event_kept() {
        assertThat(accepted(event().value("10").currency("EURO")).getCurrency()).isNull();
        assertThat(accepted(event().value("10").currency("€")).getCurrency()).isNull();
        assertThat(accepted(event().value("10").currency("U$D")).getCurrency()).isNull();
        assertThat(accepted(event().value("10").currency(" usd ")).getCurrency()).isEqualTo("USD");
    }

    @ParameterizedTest
    @CsvSource({"0, 0.0", "-12.5, -12.5", "' 7 ', 7.0", "1e12, 1e12", "-1e12, -1e12", "1.5E3, 1500.0"})
    void accepts_finite_values_within_the_limit(String text, double expected) {
        assertThat(accepted(event().value(text)).getValue()).isEqualTo(expected);
    }

    @Test
    void a_blank_value_is_no_value() {
        assertThat(accepted(event().value(" ")).getValue()).isNull();
    }

    @Test
    void upper_case_site_ids_are_lower_cased() {
        assertThat(accepted(event().site(" Example.COM ")).getSiteId()).isEqualTo("example.com");
    }

    @Test
    void strips_control_characters_from_what_the_visitor_sent() {
        TrackedEvent event = accepted(event()
                .url("https://example.com/a\u0000b\n")
                .title("Hello\u001B[31m\u0085 world")
                .referrer("https://ref.example/\r\n")
                .name("sign\u0007up")
                .userAgent("Mozilla\u0000/5.0")
                .props(Map.of("pl\u0000an", "p\u009Bro")));

        assertThat(event.getUrl()).isEqualTo("https://example.com/ab");
        assertThat(event.getTitle()).isEqualTo("Hello[31m world");
        assertThat(event.getReferrer()).isEqualTo("https://ref.example/");
        assertThat(event.getName()).isEqualTo("signup");
        assertThat(event.getUserAgent()).isEqualTo("Mozilla/5.0");
        assertThat(event.getProps()).containsExactly(entry("plan", "pro"));
    }

    @Test
    void long_titles_referrers_and_user_agents_are_cut_not_rejected() {
        String title = "t".repeat(EventLimits.MAX_TITLE_LENGTH - 1) + "\uD83D\uDE00tail";
        String referrer = "https://ref.example/" + "r".repeat(EventLimits.MAX_REFERRER_LENGTH);

        TrackedEvent event = accepted(event().title(title).referrer(referrer).userAgent("u".repeat(2_000)));

        assertThat(event.getTitle()).isEqualTo("t".repeat(EventLimits.MAX_TITLE_LENGTH - 1));
        assertThat(event.getReferrer()).hasSize(EventLimits.MAX_REFERRER_LENGTH).isEqualTo(referrer.substring(0, EventLimits.MAX_REFERRER_LENGTH));
        assertThat(event.getUserAgent()).hasSize(512);
    }

    @Test
    void blank_optional_fields_become_null() {
        TrackedEvent event = accepted(event().referrer(" ").title("").screenWidth(null).acceptLanguage(null).userAgent(null)
                .currency(" ").props(null));

        assertThat(event.getReferrer()).isNull();
        assertThat(event.getTitle()).isNull();
        assertThat(event.getScreenWidth()).isNull();
        assertThat(event.getLanguage()).isNull();
        assertThat(event.getUserAgent()).isNull();
        assertThat(event.getCurrency()).isNull();
        assertThat(event.getProps()).isEmpty();
    }

    @Test
    void props_with_empty_names_or_null_values_are_dropped() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("", "x");
        props.put("\u0001", "y");
        props.put("empty", "");
        props.put("none", null);
        props.put("kept", "v");

        assertThat(accepted(event().props(props)).getProps()).containsExactly(entry("empty", ""), entry("kept", "v"));
    }

    @Test
    void props_at_the_limits_are_accepted() {
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 0; i < EventLimits.MAX_PROPS - 1; i++) {
            props.put("p" + i, "v");
        }
        props.put("k".repeat(EventLimits.MAX_PROP_KEY_LENGTH), "v".repeat(EventLimits.MAX_PROP_VALUE_LENGTH));

        assertThat(accepted(event().props(props)).getProps()).hasSize(EventLimits.MAX_PROPS);
    }

    @Test
    void a_name_at_the_limit_is_accepted() {
        assertThat(accepted(event().name("n".repeat(EventLimits.MAX_NAME_LENGTH))).getName()).hasSize(EventLimits.MAX_NAME_LENGTH);
    }

    @Test
    void a_url_at_the_limit_is_accepted() {
        String url = "https://example.com/" + "a".repeat(EventLimits.MAX_URL_LENGTH - "https://example.com/".length());

        assertThat(accepted(event().url(url)).getUrl()).isEqualTo(url);
    }

    @ParameterizedTest
    @CsvSource({"1280, 1280", "1280.4, 1280", "' 390 ', 390", "100000, 100000"})
    void takes_the_screen_width_in_css_pixels(String text, int expected) {
        assertThat(accepted(event().screenWidth(text)).getScreenWidth()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "100001", "wide", "NaN", "Infinity", "1e10"})
    void an_implausible_screen_width_is_dropped_and_the_event_kept(String text) {
        assertThat(accepted(event().screenWidth(text)).getScreenWidth()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4294968576", "-4294965296"})
    void a_screen_width_beyond_the_int_range_is_dropped_not_wrapped_around(String text) {
        // 4294968576 is 2^32 + 1280: the (int) cast of the rounded long wraps it to 1280.
        assertThat(accepted(event().screenWidth(text)).getScreenWidth()).isNull();
    }

    @ParameterizedTest
    @CsvSource({
            "'en-GB,en;q=0.9', en-GB",
            "'fr;q=0.8', fr",
            "' pt-BR ', pt-BR",
            "'zh-Hant-TW', zh-Hant-TW"})
    void takes_the_visitors_first_language(String header, String expected) {
        assertThat(accepted(event().acceptLanguage(header)).getLanguage()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "*;q=0.5", "", ",en", "en_US", "de<script>", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void drops_a_wildcard_or_malformed_language(String header) {
        assertThat(accepted(event().acceptLanguage(header)).getLanguage()).isNull();
    }

    // --- hosts -----------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/", "http://www.example.com/a", "https://EXAMPLE.com:8443/"})
    void accepts_pages_on_an_allowed_host(String url) {
        assertThat(create(event().url(url)).isAccepted()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://blog.example.com/", "https://example.com.evil.test/", "https://evil.test/?u=https://example.com/",
            "https://notexample.com/", "https://example.com@evil.test/"})
    void rejects_pages_on_other_hosts(String url) {
        assertThat(rejection(event().url(url))).isEqualTo(Rejection.HOST_NOT_ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://acme.test/", "https://www.acme.test/", "https://a.b.acme.test/x", "https://WWW.Acme.Test/"})
    void a_wildcard_host_allows_the_domain_and_every_subdomain(String url) {
        assertThat(create(event().site(Fixtures.WILDCARD_SITE_ID).url(url)).isAccepted()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://evilacme.test/", "https://acme.test.evil.test/", "https://acme.tester/"})
    void a_wildcard_host_does_not_allow_look_alikes(String url) {
        assertThat(rejection(event().site(Fixtures.WILDCARD_SITE_ID).url(url))).isEqualTo(Rejection.HOST_NOT_ALLOWED);
    }

    // --- rejections ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejects_a_missing_site(String site) {
        assertThat(rejection(event().site(site))).isEqualTo(Rejection.MISSING_SITE);
        assertThat(rejection(event().site(null))).isEqualTo(Rejection.MISSING_SITE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Demo Site", "-demo", "demo/..", "dem\u00F6", "de\u0000mo", "_demo"})
    void rejects_a_malformed_site_id(String site) {
        assertThat(rejection(event().site(site))).isEqualTo(Rejection.INVALID_SITE);
    }

    @Test
    void site_ids_are_at_most_64_characters() {
        assertThat(rejection(event().site("a".repeat(65)))).isEqualTo(Rejection.INVALID_SITE);
        assertThat(rejection(event().site("a".repeat(64)))).isEqualTo(Rejection.UNKNOWN_SITE);
    }

    @Test
    void rejects_an_unregistered_site() {
        assertThat(rejection(event().site("unknown.example"))).isEqualTo(Rejection.UNKNOWN_SITE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "\u0000\u0001"})
    void rejects_a_missing_url(String url) {
        assertThat(rejection(event().url(url))).isEqualTo(Rejection.MISSING_URL);
        assertThat(rejection(event().url(null))).isEqualTo(Rejection.MISSING_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/pricing", "javascript:alert(1)", "ftp://example.com/", "https://example.com/a b", "example.com/pricing",
            "https:///pricing"})
    void rejects_an_invalid_url(String url) {
        assertThat(rejection(event().url(url))).isEqualTo(Rejection.INVALID_URL);
    }

    @Test
    void rejects_an_overlong_url() {
        String url = "https://example.com/" + "a".repeat(EventLimits.MAX_URL_LENGTH - "https://example.com/".length() + 1);

        assertThat(rejection(event().url(url))).isEqualTo(Rejection.URL_TOO_LONG);
    }

    @Test
    void rejects_an_overlong_name() {
        assertThat(rejection(event().name("n".repeat(EventLimits.MAX_NAME_LENGTH + 1)))).isEqualTo(Rejection.NAME_TOO_LONG);
    }

    @Test
    void rejects_too_many_props() {
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 0; i <= EventLimits.MAX_PROPS; i++) {
            props.put("p" + i, "v");
        }

        assertThat(rejection(event().props(props))).isEqualTo(Rejection.TOO_MANY_PROPS);
    }

    @Test
    void rejects_an_overlong_prop_name_or_value() {
        assertThat(rejection(event().props(Map.of("k".repeat(EventLimits.MAX_PROP_KEY_LENGTH + 1), "v"))))
                .isEqualTo(Rejection.PROP_TOO_LONG);
        assertThat(rejection(event().props(Map.of("k", "v".repeat(EventLimits.MAX_PROP_VALUE_LENGTH + 1)))))
                .isEqualTo(Rejection.PROP_TOO_LONG);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "1e13", "-1e13", "1000000000000.5", "abc", "12,50", "1.2.3", "€12"})
    void rejects_a_value_that_is_not_a_finite_number_within_the_limit(String value) {
        assertThat(rejection(event().value(value))).isEqualTo(Rejection.INVALID_VALUE);
    }

    @Test
    void every_rejection_about_an_events_content_is_reachable() {
        // Decoding (BAD_ENCODING), batch shape (INVALID_EVENT) and storage (KAFKA_UNAVAILABLE) are decided
        // outside the factory; every other reason must come out of it for some input.
        Map<Rejection, Fixtures.Builder> examples = new EnumMap<>(Rejection.class);
        examples.put(Rejection.MISSING_SITE, event().site(null));
        examples.put(Rejection.INVALID_SITE, event().site("not a site"));
        examples.put(Rejection.UNKNOWN_SITE, event().site("nobody.example"));
        examples.put(Rejection.MISSING_URL, event().url(null));
        examples.put(Rejection.INVALID_URL, event().url("/relative"));
        examples.put(Rejection.URL_TOO_LONG, event().url("https://example.com/" + "a".repeat(EventLimits.MAX_URL_LENGTH)));
        examples.put(Rejection.HOST_NOT_ALLOWED, event().url("https://evil.test/"));
        examples.put(Rejection.NAME_TOO_LONG, event().name("n".repeat(EventLimits.MAX_NAME_LENGTH + 1)));
        Map<String, String> manyProps = new LinkedHashMap<>();
        for (int i = 0; i <= EventLimits.MAX_PROPS; i++) {
            manyProps.put("p" + i, "v");
        }
        examples.put(Rejection.TOO_MANY_PROPS, event().props(manyProps));
        examples.put(Rejection.PROP_TOO_LONG, event().props(Map.of("k", "v".repeat(EventLimits.MAX_PROP_VALUE_LENGTH + 1))));
        examples.put(Rejection.INVALID_VALUE, event().value("NaN"));
        examples.put(Rejection.INVALID_TIMESTAMP, event().clientTime("soon"));
        examples.put(Rejection.CLOCK_SKEW, event().clientTime(NOW.plus(Duration.ofDays(1))));
        examples.put(Rejection.BACKFILL_NEEDS_KEY, event().clientTime(NOW.minus(Duration.ofDays(1))));
        examples.put(Rejection.TOO_OLD, event().clientTime(NOW.minus(Duration.ofDays(RETENTION_DAYS + 1))).siteKey(SITE_KEY));

        examples.forEach((expected, input) -> assertThat(rejection(input)).as(expected.name()).isEqualTo(expected));
        Set<Rejection> decidedElsewhere = Set.of(Rejection.BAD_ENCODING, Rejection.INVALID_EVENT, Rejection.KAFKA_UNAVAILABLE);
        assertThat(examples.keySet()).as("rejections with an example")
                .containsExactlyInAnyOrderElementsOf(EnumSet.complementOf(EnumSet.copyOf(decidedElsewhere)));
    }

    // --- client time -----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2026-11-22", "2026-11-22T10:15:30", "2026-13-01T00:00:00Z", "1.7e12", "-1000",
            "12345678901234567890"})
    void rejects_an_unreadable_timestamp(String timestamp) {
        assertThat(rejection(event().clientTime(timestamp))).isEqualTo(Rejection.INVALID_TIMESTAMP);
    }

    @Test
    void a_client_time_within_the_skew_is_kept_without_a_key() {
        Instant slightlyAhead = NOW.plus(MAX_CLOCK_SKEW);
        Instant slightlyBehind = NOW.minus(MAX_CLOCK_SKEW);

        assertThat(accepted(event().clientTime(slightlyAhead)).getClientTime()).isEqualTo(slightlyAhead);
        assertThat(accepted(event().clientTime(slightlyBehind)).getClientTime()).isEqualTo(slightlyBehind);
        assertThat(accepted(event().clientTime(slightlyBehind)).getReceivedAt()).isEqualTo(NOW);
    }

    @Test
    void reads_iso_8601_with_an_offset_and_epoch_milliseconds() {
        Instant twoMinutesAgo = NOW.minusSeconds(120);

        assertThat(accepted(event().clientTime("2026-11-22T11:13:30+01:00")).getClientTime()).isEqualTo(twoMinutesAgo);
        assertThat(accepted(event().clientTime(Long.toString(twoMinutesAgo.toEpochMilli()))).getClientTime()).isEqualTo(twoMinutesAgo);
        assertThat(accepted(event().clientTime(" 2026-11-22T10:13:30.000Z ")).getClientTime()).isEqualTo(twoMinutesAgo);
    }

    @Test
    void rejects_a_client_time_too_far_in_the_future_even_with_the_key() {
        Instant ahead = NOW.plus(MAX_CLOCK_SKEW).plusMillis(1);

        assertThat(rejection(event().clientTime(ahead))).isEqualTo(Rejection.CLOCK_SKEW);
        assertThat(rejection(event().clientTime(ahead).siteKey(SITE_KEY))).isEqualTo(Rejection.CLOCK_SKEW);
    }

    @Test
    void an_older_client_time_needs_the_site_key() {
        Instant yesterday = NOW.minus(Duration.ofDays(1));

        assertThat(rejection(event().clientTime(yesterday))).isEqualTo(Rejection.BACKFILL_NEEDS_KEY);
        assertThat(rejection(event().clientTime(NOW.minus(MAX_CLOCK_SKEW).minusMillis(1)))).isEqualTo(Rejection.BACKFILL_NEEDS_KEY);
        assertThat(rejection(event().clientTime(yesterday).siteKey("tk_wrong"))).isEqualTo(Rejection.BACKFILL_NEEDS_KEY);
        assertThat(rejection(event().clientTime(yesterday).siteKey(Site.hashKey(SITE_KEY))))
                .as("the stored hash is not the key").isEqualTo(Rejection.BACKFILL_NEEDS_KEY);
        assertThat(rejection(event().clientTime(yesterday).siteKey(""))).isEqualTo(Rejection.BACKFILL_NEEDS_KEY);
    }

    @Test
    void backfill_with_the_right_key_is_accepted() {
        Instant lastWeek = NOW.minus(Duration.ofDays(7));

        TrackedEvent event = accepted(event().clientTime(lastWeek).siteKey(SITE_KEY));

        assertThat(event.getClientTime()).isEqualTo(lastWeek);
        assertThat(event.getReceivedAt()).isEqualTo(NOW);
    }

    @Test
    void backfill_up_to_the_retention_is_accepted_and_beyond_it_is_too_old() {
        Instant oldest = NOW.minus(Duration.ofDays(RETENTION_DAYS));

        assertThat(accepted(event().clientTime(oldest).siteKey(SITE_KEY)).getClientTime()).isEqualTo(oldest);
        assertThat(rejection(event().clientTime(oldest.minusMillis(1)).siteKey(SITE_KEY))).isEqualTo(Rejection.TOO_OLD);
        assertThat(rejection(event().clientTime("0").siteKey(SITE_KEY))).isEqualTo(Rejection.TOO_OLD);
    }

    @Test
    void a_key_of_another_site_does_not_authorise_backfill() {
        Fixtures.FakeSites sites = new Fixtures.FakeSites().add(new Site("example.com", Set.of("example.com"), ZoneOffset.UTC,
                IdentityMode.COOKIELESS, RETENTION_DAYS, Site.hashKey(Site.newKey())));
        EventFactory other = Fixtures.factory(sites, salts, false);

        assertThat(other.create(event().clientTime(NOW.minus(Duration.ofDays(1))).siteKey(SITE_KEY).build()).rejection())
                .isEqualTo(Rejection.BACKFILL_NEEDS_KEY);
    }

    // --- identity --------------------------------------------------------------------------------------

    @Test
    void a_cookieless_site_ignores_a_cookie() {
        TrackedEvent event = accepted(event().visitorCookie(FRESH_COOKIE, false));

        assertThat(event.getVisitorId()).isNotEqualTo(FRESH_COOKIE).matches("[0-9a-f]{32}");
        assertThat(event.getNewVisitor()).isNull();
        assertThat(create(event().visitorCookie(FRESH_COOKIE, true)).setsCookie()).isFalse();
    }

    @Test
    void the_same_visitor_on_one_day_has_one_id_and_another_visitor_another() {
        String first = accepted(event().url("https://example.com/a")).getVisitorId();

        assertThat(accepted(event().url("https://example.com/b").receivedAt(NOW.plusSeconds(3_600))).getVisitorId()).isEqualTo(first);
        assertThat(accepted(event().clientIp("198.51.100.1")).getVisitorId()).isNotEqualTo(first);
        assertThat(accepted(event().receivedAt(NOW.plus(Duration.ofDays(1)))).getVisitorId()).isNotEqualTo(first);
    }

    @Test
    void cookie_mode_uses_the_browsers_cookie_for_a_returning_visitor() {
        EventFactory.Outcome outcome = create(event().site(Fixtures.COOKIE_SITE_ID).url("https://shop.example.net/cart")
                .visitorCookie(FRESH_COOKIE, false));

        assertThat(outcome.isAccepted()).isTrue();
        assertThat(outcome.event().getVisitorId()).isEqualTo(FRESH_COOKIE);
        assertThat(outcome.event().getNewVisitor()).isFalse();
        assertThat(outcome.setsCookie()).isFalse();
        assertThat(salts.totalCalls()).as("no salt needed in cookie mode").isZero();
    }

    @Test
    void cookie_mode_marks_a_fresh_cookie_as_a_new_visitor_and_sets_it() {
        EventFactory.Outcome outcome = create(event().site(Fixtures.COOKIE_SITE_ID).url("https://shop.example.net/")
                .visitorCookie(FRESH_COOKIE, true));

        assertThat(outcome.event().getVisitorId()).isEqualTo(FRESH_COOKIE);
        assertThat(outcome.event().getNewVisitor()).isTrue();
        assertThat(outcome.setsCookie()).isTrue();
    }

    @Test
    void rejected_and_ignored_events_never_set_a_cookie() {
        Fixtures.Builder fresh = event().site(Fixtures.COOKIE_SITE_ID).url("https://shop.example.net/").visitorCookie(FRESH_COOKIE, true);

        assertThat(create(fresh.name("engagement")).setsCookie()).isFalse();
        assertThat(create(fresh.name("x".repeat(500))).setsCookie()).isFalse();
    }

    @Test
    void partition_key_holds_site_and_visitor() {
        TrackedEvent first = accepted(event().url("https://example.com/a"));
        TrackedEvent second = accepted(event().url("https://example.com/b"));
        TrackedEvent otherVisitor = accepted(event().clientIp("198.51.100.1"));

        String key = EventFactory.partitionKey(first);
        assertThat(key).contains(first.getSiteId()).contains(first.getVisitorId());
        assertThat(EventFactory.partitionKey(second)).isEqualTo(key);
        assertThat(EventFactory.partitionKey(otherVisitor)).isNotEqualTo(key);
    }

    @Test
    void referrers_lose_credentials_and_query_but_keep_utm_and_non_web_referrers_stay_as_sent() {
        assertThat(create(event().referrer("https://user:secret@news.example.org/a?token=private&utm_medium=social")).event().getReferrer())
                .isEqualTo("https://news.example.org/a?utm_medium=social");
        assertThat(create(event().referrer("android-app://com.google.android.gm/")).event().getReferrer())
                .isEqualTo("android-app://com.google.android.gm/");
    }
}

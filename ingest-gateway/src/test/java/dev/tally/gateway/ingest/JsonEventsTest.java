package dev.tally.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.tally.schemas.avro.EventType;
import dev.tally.schemas.avro.TrackedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonEventsTest {
    private static final int MAX_EVENTS = 10;
    private final EventInput.RequestInfo request = Fixtures.request();

    private List<JsonEvents.Item> parse(String json) throws Exception {
        return JsonEvents.parse(json.getBytes(StandardCharsets.UTF_8), request, MAX_EVENTS);
    }

    private EventInput single(String json) throws Exception {
        List<JsonEvents.Item> items = parse(json);
        assertThat(items).hasSize(1);
        assertThat(items.get(0).rejection()).isNull();
        return items.get(0).input();
    }

    @Test
    void maps_a_plausible_events_api_payload() throws Exception {
        EventInput input = single("""
                {"name":"pageview","url":"https://example.com/a","domain":"example.com","referrer":"https://google.com/",
                 "props":{"plan":"pro","n":1},"revenue":{"currency":"EUR","amount":"12.50"}}""");

        assertThat(input.site()).isEqualTo("example.com");
        assertThat(input.url()).isEqualTo("https://example.com/a");
        assertThat(input.referrer()).isEqualTo("https://google.com/");
        assertThat(input.name()).isEqualTo("pageview");
        assertThat(input.props()).containsExactly(entry("plan", "pro"), entry("n", "1"));
        assertThat(input.value()).isEqualTo("12.50");
        assertThat(input.currency()).isEqualTo("EUR");
        assertThat(input.request()).isSameAs(request);
    }

    @Test
    void a_plausible_payload_becomes_an_event_with_its_revenue() throws Exception {
        EventInput input = single("""
                {"name":"Purchase","url":"https://example.com/a","domain":"example.com","referrer":"https://google.com/",
                 "props":{"plan":"pro","n":1},"revenue":{"currency":"EUR","amount":"12.50"}}""");

        TrackedEvent event = Fixtures.factory().create(input).event();

        assertThat(event.getType()).isEqualTo(EventType.CUSTOM);
        assertThat(event.getName()).isEqualTo("Purchase");
        assertThat(event.getValue()).isEqualTo(12.50);
        assertThat(event.getCurrency()).isEqualTo("EUR");
        assertThat(event.getProps()).containsExactly(entry("plan", "pro"), entry("n", "1"));
    }

    @Test
    void maps_the_plausible_trackers_short_keys_with_props_and_revenue_as_json_text() throws Exception {
        EventInput input = single("""
                {"n":"pageview","u":"https://example.com/b","d":"example.com","r":null,"w":1280,
                 "p":"{\\"plan\\":\\"pro\\"}","$":"{\\"currency\\":\\"USD\\",\\"amount\\":9.99}","v":"2.1.0","h":1,"i":true}""");

        assertThat(input.name()).isEqualTo("pageview");
        assertThat(input.url()).isEqualTo("https://example.com/b");
        assertThat(input.site()).isEqualTo("example.com");
        assertThat(input.referrer()).isNull();
        assertThat(input.screenWidth()).isEqualTo("1280");
        assertThat(input.props()).containsExactly(entry("plan", "pro"));
        assertThat(input.value()).isEqualTo("9.99");
        assertThat(input.currency()).isEqualTo("USD");
        assertThat(input.title()).isNull();
        assertThat(input.clientTime()).isNull();
    }

    @Test
    void the_trackers_short_key_payload_is_accepted_by_the_factory() throws Exception {
        EventInput input = single("""
                {"n":"pageview","u":"https://example.com/b","d":"example.com","r":null,"w":1280,
                 "p":"{\\"plan\\":\\"pro\\"}","$":"{\\"currency\\":\\"USD\\",\\"amount\\":9.99}","v":"2.1.0","h":1,"i":true}""");

        EventFactory.Outcome outcome = Fixtures.factory().create(input);

        assertThat(outcome.rejection()).isNull();
        assertThat(outcome.event().getScreenWidth()).isEqualTo(1280);
        assertThat(outcome.event().getValue()).isEqualTo(9.99);
    }

    @Test
    void an_engagement_event_parses_and_is_ignored_not_rejected() throws Exception {
        EventInput input = single("""
                {"n":"engagement","u":"https://example.com/a","d":"example.com","sd":55,"e":12000}""");

        assertThat(input.name()).isEqualTo("engagement");
        EventFactory.Outcome outcome = Fixtures.factory().create(input);
        assertThat(outcome.isIgnored()).isTrue();
        assertThat(outcome.rejection()).isNull();
    }

    @Test
    void an_event_for_several_domains_counts_for_the_first() throws Exception {
        assertThat(single("{\"name\":\"pageview\",\"url\":\"https://a.com/\",\"domain\":\"a.com,b.com\"}").site()).isEqualTo("a.com");
        assertThat(single("{\"d\":\" a.com , b.com\"}").site()).isEqualTo("a.com");
    }

    @Test
    void maps_tallys_own_keys() throws Exception {
        EventInput input = single("""
                {"site":"example.com","url":"https://example.com/","title":"Home","value":"3.5","timestamp":"2026-11-22T10:00:00Z",
                 "screen_width":"390"}""");

        assertThat(input.site()).isEqualTo("example.com");
        assertThat(input.title()).isEqualTo("Home");
        assertThat(input.value()).isEqualTo("3.5");
        assertThat(input.clientTime()).isEqualTo("2026-11-22T10:00:00Z");
        assertThat(input.screenWidth()).isEqualTo("390");
    }

    @Test
    void maps_tallys_short_keys_and_numeric_values() throws Exception {
        EventInput input = single("{\"d\":\"example.com\",\"u\":\"https://example.com/\",\"t\":\"Home\",\"value\":12,\"ts\":1795342530000}");

        assertThat(input.title()).isEqualTo("Home");
        assertThat(input.value()).isEqualTo("12");
        assertThat(input.clientTime()).isEqualTo("1795342530000");
    }

    @Test
    void long_keys_win_over_short_ones_and_null_falls_through_to_the_next() throws Exception {
        EventInput input = single("{\"name\":\"Signup\",\"n\":\"pageview\",\"url\":null,\"u\":\"https://example.com/x\"}");

        assertThat(input.name()).isEqualTo("Signup");
        assertThat(input.url()).isEqualTo("https://example.com/x");
    }

    @Test
    void an_explicit_value_wins_over_the_revenue_amount_and_the_currency_still_comes_from_revenue() throws Exception {
        EventInput input = single("{\"value\":\"5\",\"revenue\":{\"currency\":\"CHF\",\"amount\":\"7\"}}");

        assertThat(input.value()).isEqualTo("5");
        assertThat(input.currency()).isEqualTo("CHF");
    }

    @Test
    void prop_values_are_text_booleans_and_numbers_as_written_nested_values_as_json_nulls_dropped() throws Exception {
        EventInput input = single("{\"props\":{\"s\":\"x\",\"b\":true,\"i\":42,\"f\":1.5,\"o\":{\"k\":1},\"a\":[1,2],\"z\":null}}");

        assertThat(input.props()).containsExactly(
                entry("s", "x"), entry("b", "true"), entry("i", "42"), entry("f", "1.5"), entry("o", "{\"k\":1}"), entry("a", "[1,2]"));
    }

    @Test
    void reads_props_under_meta_and_m_too() throws Exception {
        assertThat(single("{\"meta\":{\"a\":\"1\"}}").props()).containsExactly(entry("a", "1"));
        assertThat(single("{\"m\":\"{\\\"b\\\":\\\"2\\\"}\"}").props()).containsExactly(entry("b", "2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"p\":\"not json\"}", "{\"p\":[1,2]}", "{\"p\":\"[1]\"}", "{\"p\":7}", "{\"$\":\"nope\",\"value\":null}"})
    void unreadable_props_or_revenue_are_dropped_not_fatal(String json) throws Exception {
        EventInput input = single(json);

        assertThat(input.props()).isEmpty();
        assertThat(input.value()).isNull();
        assertThat(input.currency()).isNull();
    }

    @Test
    void absent_fields_are_null() throws Exception {
        EventInput input = single("{}");

        assertThat(input.site()).isNull();
        assertThat(input.url()).isNull();
        assertThat(input.name()).isNull();
        assertThat(input.props()).isEmpty();
        assertThat(Fixtures.factory().create(input).rejection()).isEqualTo(Rejection.MISSING_SITE);
    }

    @Test
    void a_batch_keeps_its_order_and_marks_a_non_object_element_invalid() throws Exception {
        List<JsonEvents.Item> items = parse("""
                [{"n":"pageview","u":"https://example.com/1","d":"example.com"},
                 "pageview",
                 {"n":"Signup","u":"https://example.com/3","d":"example.com"}]""");

        assertThat(items).hasSize(3);
        assertThat(items.get(0).rejection()).isNull();
        assertThat(items.get(0).input().url()).isEqualTo("https://example.com/1");
        assertThat(items.get(1).input()).isNull();
        assertThat(items.get(1).rejection()).isEqualTo(Rejection.INVALID_EVENT);
        assertThat(items.get(2).rejection()).isNull();
        assertThat(items.get(2).input().name()).isEqualTo("Signup");
    }

    @Test
    void nulls_numbers_and_arrays_in_a_batch_are_invalid_events() throws Exception {
        assertThat(parse("[null, 1, [], {}]")).extracting(JsonEvents.Item::rejection)
                .containsExactly(Rejection.INVALID_EVENT, Rejection.INVALID_EVENT, Rejection.INVALID_EVENT, null);
    }

    @Test
    void an_empty_batch_is_no_events() throws Exception {
        assertThat(parse("[]")).isEmpty();
    }

    @Test
    void a_batch_at_the_limit_is_read() throws Exception {
        assertThat(parse("[" + "{},".repeat(MAX_EVENTS - 1) + "{}]")).hasSize(MAX_EVENTS);
    }

    @Test
    void a_batch_over_the_limit_is_refused_as_a_whole() {
        assertThatThrownBy(() -> parse("[" + "{},".repeat(MAX_EVENTS) + "{}]"))
                .isInstanceOf(JsonEvents.TooManyEventsException.class)
                .hasMessageContaining(Integer.toString(MAX_EVENTS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\n", "{\"n\":\"secret-page\",", "{secret}", "[{\"u\":\"https://secret.example/\"}", "42", "\"secret\"",
            "true", "null", "<html>secret</html>"})
    void malformed_or_non_event_json_is_refused_without_echoing_the_input(String body) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(JsonEvents.MalformedJsonException.class)
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("secret"));
    }

    @Test
    void invalid_utf8_is_malformed_json() {
        byte[] body = {'{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

        assertThatThrownBy(() -> JsonEvents.parse(body, request, MAX_EVENTS)).isInstanceOf(JsonEvents.MalformedJsonException.class);
    }

    @Test
    void a_string_beyond_the_length_limit_is_malformed_json() {
        String body = "{\"n\":\"" + "x".repeat(70_000) + "\"}";

        assertThatThrownBy(() -> parse(body)).isInstanceOf(JsonEvents.MalformedJsonException.class);
    }

    @Test
    void nesting_beyond_the_depth_limit_is_malformed_json() {
        String body = "{\"p\":".repeat(40) + "1" + "}".repeat(40);

        assertThatThrownBy(() -> parse(body)).isInstanceOf(JsonEvents.MalformedJsonException.class);
    }
}

package dev.tally.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryStringsTest {
    private static final int MAX = 50;

    @Test
    void parses_plain_pairs_in_order() throws Exception {
        Map<String, String> parameters = QueryStrings.parse("site=example.com&url=https://example.com/&n=pageview", MAX);

        assertThat(parameters).containsExactly(
                Map.entry("site", "example.com"), Map.entry("url", "https://example.com/"), Map.entry("n", "pageview"));
    }

    @Test
    void plus_and_percent_20_are_spaces_and_encoded_plus_is_a_plus() throws Exception {
        assertThat(QueryStrings.parse("title=Hello+big%20world&q=1%2B1", MAX))
                .containsEntry("title", "Hello big world")
                .containsEntry("q", "1+1");
    }

    @Test
    void decodes_multi_byte_utf8() throws Exception {
        assertThat(QueryStrings.parse("t=caf%C3%A9&e=%F0%9F%98%80&k=%E2%82%AC", MAX))
                .containsEntry("t", "café")
                .containsEntry("e", "😀")
                .containsEntry("k", "€");
    }

    @Test
    void decodes_encoded_names_too() throws Exception {
        assertThat(QueryStrings.parse("p.pl%C3%A4n=pro", MAX)).containsEntry("p.plän", "pro");
    }

    @Test
    void keeps_raw_utf8_bytes_that_a_client_sent_unescaped() throws Exception {
        assertThat(QueryStrings.parse(wire("t=café&e=😀 x&mixed=%C3%A9é"), MAX))
                .containsEntry("t", "café")
                .containsEntry("e", "😀 x")
                .containsEntry("mixed", "éé");
    }

    @Test
    void accepts_lower_case_hex_digits() throws Exception {
        assertThat(QueryStrings.parse("t=caf%c3%a9", MAX)).containsEntry("t", "café");
    }

    @ParameterizedTest
    @ValueSource(strings = {"t=%", "t=%4", "t=a%4", "t=%zz", "t=%G1", "t=%1G", "t=100%", "%=x", "t=%%41", "t=%-1"})
    void rejects_malformed_percent_encoding(String query) {
        assertThatThrownBy(() -> QueryStrings.parse(query, MAX)).isInstanceOf(QueryStrings.MalformedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "t=%C3%28",       // a lead byte followed by a non-continuation byte
            "t=%FF",          // never valid in UTF-8
            "t=%C3",          // a truncated sequence
            "t=%C0%AF",       // overlong encoding of '/'
            "t=%E0%80%AF",    // overlong three-byte '/'
            "t=%ED%A0%80",    // a UTF-16 surrogate encoded as UTF-8
            "t=%F4%90%80%80", // beyond U+10FFFF
            "t=ok&x=%80"})    // a stray continuation byte in a later parameter
    void rejects_invalid_utf8(String query) {
        assertThatThrownBy(() -> QueryStrings.parse(query, MAX)).isInstanceOf(QueryStrings.MalformedException.class);
    }

    @Test
    void the_exception_does_not_echo_the_input() {
        assertThatThrownBy(() -> QueryStrings.parse("secret=%C3%28token", MAX))
                .isInstanceOf(QueryStrings.MalformedException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret").doesNotContain("token"));
    }

    @Test
    void rejects_raw_bytes_that_are_not_utf8() {
        // 0xFF never occurs in UTF-8; a raw Latin-1 'é' (0xE9) alone is a truncated sequence.
        for (String query : List.of("t=a\u00FFb", "t=caf\u00E9", "t=a%20\uD800b")) {
            assertThatThrownBy(() -> QueryStrings.parse(query, MAX)).as(query).isInstanceOf(QueryStrings.MalformedException.class);
        }
    }

    /** The query as Undertow hands it over: one char per byte of its UTF-8 wire form. */
    private static String wire(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void a_repeated_name_keeps_its_first_value() throws Exception {
        assertThat(QueryStrings.parse("u=https://a.test/&u=https://b.test/&n=x&n=y", MAX))
                .containsExactly(Map.entry("u", "https://a.test/"), Map.entry("n", "x"));
    }

    @Test
    void a_name_without_value_maps_to_empty_and_the_value_may_contain_equals() throws Exception {
        assertThat(QueryStrings.parse("flag&expr=a=b", MAX))
                .containsExactly(Map.entry("flag", ""), Map.entry("expr", "a=b"));
    }

    @Test
    void skips_empty_pairs() throws Exception {
        assertThat(QueryStrings.parse("&&a=1&&b=2&", MAX)).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void null_or_empty_query_is_no_parameters() throws Exception {
        assertThat(QueryStrings.parse(null, MAX)).isEmpty();
        assertThat(QueryStrings.parse("", MAX)).isEmpty();
    }

    @Test
    void stops_reading_at_the_parameter_cap() throws Exception {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            query.append("p").append(i).append('=').append(i).append('&');
        }

        Map<String, String> parameters = QueryStrings.parse(query.toString(), 3);

        assertThat(parameters).containsExactly(Map.entry("p0", "0"), Map.entry("p1", "1"), Map.entry("p2", "2"));
    }

    @Test
    void does_not_decode_beyond_the_cap() throws Exception {
        // Work is bounded by the cap: what lies after it is never looked at, even when malformed.
        assertThat(QueryStrings.parse("a=1&b=2&c=%zz", 2)).containsOnlyKeys("a", "b");
    }
}

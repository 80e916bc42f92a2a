package dev.tally.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class UrlCleanerTest {
    private final UrlCleaner cleaner = new UrlCleaner(Fixtures.KEPT_PARAMETERS);

    @Test
    void drops_query_parameters_except_utm_and_the_allow_list_keeping_their_order() {
        String url = "https://example.com/pricing?session=abc123&utm_source=news&email=a%40b.test&ref=hn"
                + "&token=s3cr3t&utm_campaign=spring&q=shoes&utm_medium=mail";

        assertThat(cleaner.clean(url))
                .isEqualTo("https://example.com/pricing?utm_source=news&ref=hn&utm_campaign=spring&q=shoes&utm_medium=mail");
    }

    @Test
    void drops_the_question_mark_when_nothing_is_kept() {
        assertThat(cleaner.clean("https://example.com/a?session=1&email=x%40y.test")).isEqualTo("https://example.com/a");
    }

    @Test
    void parameter_names_are_matched_case_sensitively() {
        assertThat(cleaner.clean("https://example.com/?UTM_SOURCE=x&Ref=y&utm_source=z&ref=w"))
                .isEqualTo("https://example.com/?utm_source=z&ref=w");
    }

    @Test
    void keeps_a_parameter_without_value_and_skips_empty_pairs() {
        assertThat(cleaner.clean("https://example.com/?&&ref&x=1&&utm_term=")).isEqualTo("https://example.com/?ref&utm_term=");
    }

    @Test
    void an_empty_allow_list_still_keeps_utm_parameters() {
        assertThat(new UrlCleaner(Set.of()).clean("https://example.com/?ref=a&utm_source=b")).isEqualTo("https://example.com/?utm_source=b");
    }

    @Test
    void lower_cases_scheme_and_host_but_keeps_path_and_fragment_case() {
        assertThat(cleaner.clean("HTTPS://WWW.Example.COM/Docs/Getting-Started?utm_Source=X#Install-Linux"))
                .isEqualTo("https://www.example.com/Docs/Getting-Started?utm_Source=X#Install-Linux");
    }

    @Test
    void keeps_the_port() {
        assertThat(cleaner.clean("http://Example.com:8080/a")).isEqualTo("http://example.com:8080/a");
    }

    @Test
    void keeps_the_fragment_and_a_question_mark_inside_it() {
        assertThat(cleaner.clean("https://example.com/app?session=1#/route?id=7&x=1"))
                .isEqualTo("https://example.com/app#/route?id=7&x=1");
    }

    @Test
    void drops_an_empty_fragment() {
        assertThat(cleaner.clean("https://example.com/a#")).isEqualTo("https://example.com/a");
    }

    @Test
    void an_empty_path_becomes_a_slash() {
        assertThat(cleaner.clean("https://example.com")).isEqualTo("https://example.com/");
        assertThat(cleaner.clean("https://example.com?utm_source=x")).isEqualTo("https://example.com/?utm_source=x");
        assertThat(cleaner.clean("https://example.com#top")).isEqualTo("https://example.com/#top");
    }

    @Test
    void strips_credentials() {
        assertThat(cleaner.clean("https://alice:hunter2@example.com/a")).isEqualTo("https://example.com/a");
        assertThat(cleaner.clean("https://alice@evil.test@example.com/a")).isEqualTo("https://example.com/a");
    }

    @Test
    void an_at_sign_in_the_path_is_not_a_credential() {
        assertThat(cleaner.clean("https://example.com/@alice/posts")).isEqualTo("https://example.com/@alice/posts");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "javascript:alert(1)",
            "javascript://example.com/%0aalert(1)",
            "ftp://example.com/file",
            "file:///etc/passwd",
            "data://text/plain,hello",
            "/pricing",
            "example.com/pricing",
            "//example.com/pricing",
            "/redirect?to=https://example.com/",
            "https:/example.com/",
            "://example.com/"})
    void rejects_non_http_and_relative_urls(String url) {
        assertThat(cleaner.clean(url)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://", "https:///path", "https://?utm_source=x", "https://#top", "https://alice@/path"})
    void rejects_a_url_without_host(String url) {
        assertThat(cleaner.clean(url)).isNull();
    }

    @Test
    void rejects_a_url_whose_authority_is_only_a_port() {
        // "https://:8080/x" has no host: the Javadoc promises null ("not an absolute http(s) URL with a host").
        assertThat(cleaner.clean("https://:8080/x")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://exa mple.com/", "https://example.com/a b", "https://example.com /a"})
    void rejects_spaces_in_host_or_path(String url) {
        assertThat(cleaner.clean(url)).isNull();
    }

    @ParameterizedTest
    @CsvSource({
            "https://example.com/a,                 example.com",
            "https://example.com:8443/a?x=1,        example.com",
            "http://example.com?utm_source=x,       example.com",
            "http://example.com#top,                example.com",
            "http://203.0.113.7:8080/,              203.0.113.7",
            "http://[2001:db8::1]:8080/a,           [2001:db8::1]",
            "http://[::1]/,                         [::1]",
            "https://example.com,                   example.com"})
    void host_of_drops_port_path_query_and_fragment(String cleanedUrl, String host) {
        assertThat(UrlCleaner.hostOf(cleanedUrl)).isEqualTo(host);
    }

    @Test
    void host_of_a_cleaned_url_is_lower_case_even_for_ipv6() {
        assertThat(UrlCleaner.hostOf(cleaner.clean("http://User:Pw@[2001:DB8::A]:443/X"))).isEqualTo("[2001:db8::a]");
        assertThat(UrlCleaner.hostOf(cleaner.clean("https://WWW.Example.COM:443/X"))).isEqualTo("www.example.com");
    }
}

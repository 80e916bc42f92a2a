package dev.tally.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PixelRequestsTest {

    @Test
    void starts_with_the_request_of_the_issue_and_varies_pages_and_browsers() {
        List<PixelRequests.Request> mix = PixelRequests.mix(64);

        assertThat(mix.get(0).path()).isEqualTo("/a.gif?site=bench&url=https%3A%2F%2Fexample.com%2Fpricing"
                + "&ref=https%3A%2F%2Fgoogle.com%2F&title=Pricing");
        assertThat(mix).extracting(PixelRequests.Request::path).allMatch(p -> p.startsWith("/a.gif?site=bench&url=https%3A%2F%2Fexample.com%2F"));
        assertThat(mix.stream().map(PixelRequests.Request::path).distinct().count()).isGreaterThanOrEqualTo(8);
        assertThat(mix.stream().map(PixelRequests.Request::userAgent).distinct().count()).isEqualTo(61);
    }

    @Test
    void http_form_is_a_complete_keep_alive_get() {
        String http = new String(PixelRequests.mix(1).get(0).toHttp("127.0.0.1:8080"), java.nio.charset.StandardCharsets.US_ASCII);

        assertThat(http).startsWith("GET /a.gif?site=bench").contains(" HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n").endsWith("\r\n\r\n");
    }
}

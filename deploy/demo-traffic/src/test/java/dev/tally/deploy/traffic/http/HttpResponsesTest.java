package dev.tally.deploy.traffic.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponsesTest {
    private static HttpResponses.Parsed parse(String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return HttpResponses.parse(bytes, bytes.length);
    }

    @Test
    void reads_status_body_and_the_rejection_header() throws Exception {
        String text = "HTTP/1.1 400 Bad Request\r\nContent-Type: image/gif\r\nX-Tally-Rejected: missing_url\r\nContent-Length: 3\r\n\r\nGIF";

        HttpResponses.Parsed response = parse(text);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.rejected()).isEqualTo("missing_url");
        assertThat(response.bodyText()).isEqualTo("GIF");
        assertThat(response.length()).isEqualTo(text.length());
        assertThat(response.closes()).isFalse();
    }

    @Test
    void waits_for_the_rest_of_headers_and_body() throws Exception {
        assertThat(parse("HTTP/1.1 202 Accepted\r\nContent-Length: 10\r\n")).isNull();
        assertThat(parse("HTTP/1.1 202 Accepted\r\nContent-Length: 10\r\n\r\n{\"acc")).isNull();
        assertThat(parse("HTTP/1.1 202 Accepted\r\nContent-Length: 11\r\n\r\n{\"accepted\"").bodyText()).isEqualTo("{\"accepted\"");
    }

    @Test
    void decodes_a_chunked_body() throws Exception {
        assertThat(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia")).isNull();
        HttpResponses.Parsed response = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n");

        assertThat(response.bodyText()).isEqualTo("Wikipedia");
    }

    @Test
    void notices_when_the_server_closes_the_connection() throws Exception {
        assertThat(parse("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").closes()).isTrue();
        assertThat(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").closes()).isTrue();
        assertThat(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").closes()).isFalse();
    }

    @Test
    void rejects_what_is_not_http() {
        assertThatThrownBy(() -> parse("SSH-2.0-OpenSSH_9.2\r\n\r\n")).isInstanceOf(HttpResponses.MalformedResponseException.class);
    }
}

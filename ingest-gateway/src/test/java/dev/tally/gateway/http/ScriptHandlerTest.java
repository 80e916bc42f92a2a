package dev.tally.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.gateway.tracker.TrackerScript;
import io.undertow.Undertow;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScriptHandlerTest {
    private static final TrackerScript SCRIPT =
            TrackerScript.load(TrackerScript.DEFAULT_API_PATH, TrackerScript.DEFAULT_PIXEL_PATH);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Undertow server;
    private static URI uri;

    @BeforeAll
    static void start() {
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setHandler(new ScriptHandler(SCRIPT))
                .build();
        server.start();
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        uri = URI.create("http://127.0.0.1:" + address.getPort() + "/a.js");
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void serves_the_script_uncompressed_to_a_client_without_gzip() throws Exception {
        HttpResponse<byte[]> response = send(get().build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(SCRIPT.bytes());
        assertThat(header(response, "Content-Length")).isEqualTo(Integer.toString(SCRIPT.size()));
        assertThat(header(response, "Content-Encoding")).isNull();
        assertThat(header(response, "ETag")).isEqualTo(SCRIPT.etag());
        assertCachingHeaders(response);
    }

    @Test
    void serves_the_precompressed_script_to_a_client_accepting_gzip() throws Exception {
        HttpResponse<byte[]> response = send(get().header("Accept-Encoding", "br, gzip, deflate").build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(header(response, "Content-Encoding")).isEqualTo("gzip");
        assertThat(response.body()).isEqualTo(SCRIPT.gzipped());
        assertThat(gunzip(response.body())).isEqualTo(SCRIPT.bytes());
        assertThat(header(response, "Content-Length")).isEqualTo(Integer.toString(SCRIPT.gzippedSize()));
        assertThat(header(response, "ETag")).isEqualTo(SCRIPT.gzipEtag());
        assertCachingHeaders(response);
    }

    @Test
    void gzip_refused_with_q_0_gets_the_uncompressed_script() throws Exception {
        HttpResponse<byte[]> response = send(get().header("Accept-Encoding", "gzip;q=0, identity").build());

        assertThat(header(response, "Content-Encoding")).isNull();
        assertThat(response.body()).isEqualTo(SCRIPT.bytes());
    }

    @Test
    void a_revalidation_with_the_etag_is_answered_304_without_a_body() throws Exception {
        String etag = header(send(get().build()), "ETag");

        HttpResponse<byte[]> response = send(get().header("If-None-Match", etag).build());

        assertThat(response.statusCode()).isEqualTo(304);
        assertThat(response.body()).isEmpty();
        assertThat(header(response, "ETag")).isEqualTo(etag);
        assertThat(header(response, "Cache-Control")).isEqualTo("public, max-age=3600, stale-while-revalidate=86400");
        assertThat(header(response, "Vary")).isEqualTo("Accept-Encoding");
    }

    @Test
    void the_etag_also_matches_weak_in_a_list_or_as_a_wildcard() throws Exception {
        for (String ifNoneMatch : List.of("W/" + SCRIPT.etag(), "\"old\", " + SCRIPT.etag(), "\"a,b\",W/" + SCRIPT.etag(), "*")) {
            assertThat(send(get().header("If-None-Match", ifNoneMatch).build()).statusCode())
                    .as("If-None-Match: %s", ifNoneMatch).isEqualTo(304);
        }
    }

    @Test
    void a_gzip_revalidation_matches_the_gzip_etag_only() throws Exception {
        HttpRequest.Builder gzip = get().header("Accept-Encoding", "gzip");

        assertThat(send(gzip.copy().header("If-None-Match", SCRIPT.gzipEtag()).build()).statusCode()).isEqualTo(304);
        HttpResponse<byte[]> stale = send(gzip.copy().header("If-None-Match", SCRIPT.etag()).build());
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(SCRIPT.gzipped());
    }

    @Test
    void another_etag_gets_the_script() throws Exception {
        HttpResponse<byte[]> response = send(get().header("If-None-Match", "\"0123456789abcdef0123456789abcdef\"").build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(SCRIPT.bytes());
    }

    @Test
    void head_answers_the_headers_of_get_without_a_body() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept-Encoding", "gzip")
                .build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(header(response, "Content-Length")).isEqualTo(Integer.toString(SCRIPT.gzippedSize()));
        assertThat(header(response, "Content-Encoding")).isEqualTo("gzip");
        assertThat(header(response, "ETag")).isEqualTo(SCRIPT.gzipEtag());
        assertCachingHeaders(response);
    }

    @Test
    void other_methods_get_405_with_allow() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(header(response, "Allow")).isEqualTo("GET, HEAD");
    }

    @Test
    void reads_accept_encoding_like_rfc_9110() {
        assertThat(acceptsGzip()).isFalse();
        assertThat(acceptsGzip("gzip")).isTrue();
        assertThat(acceptsGzip("GZIP;q=0.5")).isTrue();
        assertThat(acceptsGzip("x-gzip")).isTrue();
        assertThat(acceptsGzip("deflate, br")).isFalse();
        assertThat(acceptsGzip("gzipped")).isFalse();
        assertThat(acceptsGzip("gzip;q=0")).isFalse();
        assertThat(acceptsGzip("gzip; q=0.000")).isFalse();
        assertThat(acceptsGzip("gzip;q=0.001")).isTrue();
        assertThat(acceptsGzip("*")).isTrue();
        assertThat(acceptsGzip("*;q=0")).isFalse();
        assertThat(acceptsGzip("*;q=0, gzip")).isTrue();
        assertThat(acceptsGzip("gzip;q=0, *")).isFalse();
        assertThat(acceptsGzip("identity", "gzip")).isTrue();
    }

    @Test
    void reads_if_none_match_like_rfc_9110() {
        assertThat(matches()).isFalse();
        assertThat(matches("\"abc\"")).isTrue();
        assertThat(matches("W/\"abc\"")).isTrue();
        assertThat(matches("\"x\" , W/\"abc\"")).isTrue();
        assertThat(matches("\"x\"", "\"abc\"")).isTrue();
        assertThat(matches("\"abcd\"")).isFalse();
        assertThat(matches("abc")).isFalse();
        assertThat(matches("\"ab")).isFalse();
        assertThat(matches("\"abc,\"abc\"")).isFalse();
        assertThat(matches(" * ")).isTrue();
    }

    private static boolean acceptsGzip(String... values) {
        HeaderMap headers = new HeaderMap();
        headers.addAll(Headers.ACCEPT_ENCODING, List.of(values));
        return ScriptHandler.acceptsGzip(headers.get(Headers.ACCEPT_ENCODING));
    }

    private static boolean matches(String... values) {
        HeaderMap headers = new HeaderMap();
        headers.addAll(Headers.IF_NONE_MATCH, List.of(values));
        return ScriptHandler.anyMatches(headers.get(Headers.IF_NONE_MATCH), "\"abc\"");
    }

    private static void assertCachingHeaders(HttpResponse<?> response) {
        assertThat(header(response, "Content-Type")).isEqualTo("application/javascript; charset=utf-8");
        assertThat(header(response, "Cache-Control")).isEqualTo("public, max-age=3600, stale-while-revalidate=86400");
        assertThat(header(response, "Vary")).isEqualTo("Accept-Encoding");
        assertThat(header(response, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header(response, "Cross-Origin-Resource-Policy")).isEqualTo("cross-origin");
        assertThat(header(response, "Access-Control-Allow-Origin")).isNull();
    }

    private static HttpRequest.Builder get() {
        return HttpRequest.newBuilder(uri).GET();
    }

    private static HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        }
    }
}

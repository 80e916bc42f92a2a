package dev.tally.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpenLoopLoadTest {

    @Test
    void response_is_complete_only_with_its_whole_body() {
        byte[] response = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 5\r\nX-A: b\r\n\r\nhello".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer in = ByteBuffer.allocate(1024);

        in.put(response, 0, response.length - 1);
        assertThat(OpenLoopLoad.completeResponseStatus(in)).isEqualTo(-1);
        in.put(response, response.length - 1, 1);
        assertThat(OpenLoopLoad.completeResponseStatus(in)).isEqualTo(503);
    }

    @Test
    void answers_every_scheduled_request_and_counts_the_statuses() {
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> {
                    exchange.setStatusCode(exchange.getQueryString().contains("pricing") ? 400 : 200);
                    exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, 2);
                    exchange.getResponseSender().send("ok");
                }).build();
        server.start();
        try {
            int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            OpenLoopLoad load = new OpenLoopLoad(new InetSocketAddress("127.0.0.1", port), PixelRequests.mix(8), 4);

            OpenLoopLoad.Result result = load.run(400, Duration.ofMillis(250), Duration.ofSeconds(1));

            assertThat(result.scheduled()).isEqualTo(400);
            assertThat(result.completed()).isEqualTo(400);
            assertThat(result.errors()).isZero();
            // Every eighth request of the mix is the issue's /pricing page.
            assertThat(result.non200()).isEqualTo(50);
            assertThat(result.latencyMicros().getTotalCount()).isEqualTo(400);
        } finally {
            server.stop();
        }
    }
}

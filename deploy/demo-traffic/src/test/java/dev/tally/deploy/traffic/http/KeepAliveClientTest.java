package dev.tally.deploy.traffic.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client on a loopback socket served by a thread of this test: keep-alive reuse, a server that
 * closes after each answer, one that never answers, and giving up on what is in flight.
 */
class KeepAliveClientTest {
    private static final byte[] REQUEST = "GET /a.gif HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final List<String> outcomes = new CopyOnWriteArrayList<>();
    private final AtomicInteger connectionsAccepted = new AtomicInteger();
    private ServerSocket server;

    private final KeepAliveClient.Listener listener = new KeepAliveClient.Listener() {
        @Override
        public void answered(Object tag, int status, String rejectedHeader, byte[] body) {
            outcomes.add(tag + ":" + status + ":" + new String(body, StandardCharsets.UTF_8));
        }

        @Override
        public void failed(Object tag, String reason) {
            outcomes.add(tag + ":failed");
        }
    };

    /** Answers each request with {@code response}; closes the connection after it when {@code close}; never answers when null. */
    private InetSocketAddress serve(String response, boolean close) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connectionsAccepted.incrementAndGet();
                    Thread connection = new Thread(() -> answer(socket, response, close));
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        thread.setDaemon(true);
        thread.start();
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    private static void answer(Socket socket, String response, boolean close) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            int matched = 0;
            int b;
            while ((b = in.read()) >= 0) {
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    matched = 0;
                    if (response == null) {
                        continue;
                    }
                    out.write(response.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (close) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    @AfterEach
    void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private void pollUntil(KeepAliveClient client, int outcomesWanted) {
        for (int i = 0; i < 2_000 && outcomes.size() < outcomesWanted; i++) {
            client.poll(10);
        }
    }

    @Test
    void requests_reuse_one_keep_alive_connection() throws Exception {
        InetSocketAddress address = serve("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
        try (KeepAliveClient client = new KeepAliveClient(address, 1, Duration.ofSeconds(30), listener)) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.hasIdleConnection()).isTrue();
                client.send(REQUEST, i);
                assertThat(client.hasIdleConnection()).isFalse();
                pollUntil(client, i + 1);
            }
            assertThat(outcomes).containsExactly("0:200:ok", "1:200:ok", "2:200:ok", "3:200:ok", "4:200:ok");
            assertThat(connectionsAccepted).hasValue(1);
            assertThat(client.inFlight()).isZero();
        }
    }

    @Test
    void a_connection_the_server_closes_is_opened_again_for_the_next_request() throws Exception {
        InetSocketAddress address = serve("HTTP/1.1 202 Accepted\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}", true);
        try (KeepAliveClient client = new KeepAliveClient(address, 1, Duration.ofSeconds(30), listener)) {
            for (int i = 0; i < 3; i++) {
                client.send(REQUEST, i);
                pollUntil(client, i + 1);
            }
            assertThat(outcomes).containsExactly("0:202:{}", "1:202:{}", "2:202:{}");
            assertThat(connectionsAccepted).hasValue(3);
        }
    }

    @Test
    void a_request_without_an_answer_fails_after_the_timeout_and_frees_its_connection() throws Exception {
        InetSocketAddress address = serve(null, false);
        try (KeepAliveClient client = new KeepAliveClient(address, 2, Duration.ofMillis(200), listener)) {
            client.send(REQUEST, "slow");
            pollUntil(client, 1);

            assertThat(outcomes).containsExactly("slow:failed");
            assertThat(client.inFlight()).isZero();
            assertThat(client.hasIdleConnection()).isTrue();
        }
    }

    @Test
    void abandoning_fails_every_request_in_flight() throws Exception {
        InetSocketAddress address = serve(null, false);
        try (KeepAliveClient client = new KeepAliveClient(address, 3, Duration.ofSeconds(30), listener)) {
            client.send(REQUEST, "a");
            client.send(REQUEST, "b");

            client.abandonInFlight("stopping");

            assertThat(outcomes).containsExactlyInAnyOrder("a:failed", "b:failed");
            assertThat(client.inFlight()).isZero();
        }
    }

    @Test
    void a_server_that_is_not_there_fails_the_request_at_once() throws Exception {
        InetSocketAddress address = serve(null, false);
        server.close();
        try (KeepAliveClient client = new KeepAliveClient(address, 1, Duration.ofSeconds(30), listener)) {
            client.send(REQUEST, "x");

            assertThat(outcomes).containsExactly("x:failed");
            assertThat(client.hasIdleConnection()).isTrue();
        }
    }
}

package dev.tally.gateway.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The site being tracked, on an origin of its own: {@code browser/shop.html} with the site id and the
 * gateway's address filled in, answered to every GET as a single-page app's server does. Listens on
 * the loopback address; reach it as {@code http://localhost:<port>}, a different host (so a different
 * origin and site) from a gateway at {@code http://127.0.0.1:<port>}.
 */
final class PageServer implements AutoCloseable {
    private static final String PAGE = "browser/shop.html";

    private final HttpServer server;

    private PageServer(HttpServer server) {
        this.server = server;
    }

    static PageServer start(String siteId, String gatewayUrl) throws IOException {
        byte[] page = readPage().replace("__SITE__", siteId).replace("__GATEWAY__", gatewayUrl)
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> answer(exchange, page));
        server.start();
        return new PageServer(server);
    }

    /** The origin as the browser should be sent to it. */
    String origin() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, byte[] page) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(page);
            }
        }
    }

    private static String readPage() {
        try (InputStream in = PageServer.class.getClassLoader().getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE + " is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

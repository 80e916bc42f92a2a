package dev.tally.bench;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.nio.ByteBuffer;

/**
 * The baseline of the gateway benchmark: an Undertow server with the gateway's default listener
 * settings that answers {@code GET /a.gif} with the gateway pixel's 43-byte GIF and the same headers,
 * straight from the IO thread, with no parsing, no Kafka and no Cassandra. Also answers
 * {@code /readyz} and {@code /healthz} so the benchmark can wait for it as for the gateway.
 *
 * <p>Usage: {@code BareGifServer <port> [host]} (host defaults to 127.0.0.1).
 */
public final class BareGifServer {
    /** Byte for byte the gateway's {@code dev.tally.gateway.http.Gif}. */
    static final byte[] GIF = {
        'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, (byte) 0x80, 0, 0,
        0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        0x21, (byte) 0xF9, 4, 1, 0, 0, 0, 0,
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0,
        2, 2, 0x44, 1, 0, 0x3B
    };
    private static final ByteBuffer SHARED = ByteBuffer.allocateDirect(GIF.length).put(GIF).flip().asReadOnlyBuffer();
    private static final String NO_CACHE = "no-cache, no-store, must-revalidate";

    private BareGifServer() {}

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("Usage: BareGifServer <port> [host]");
            System.exit(2);
        }
        Undertow server = start(args.length == 2 ? args[1] : "127.0.0.1", Integer.parseInt(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "bare-gif-shutdown"));
    }

    /** Like the gateway: Undertow's default IO and worker threads, one HTTP listener. */
    static Undertow start(String host, int port) {
        RoutingHandler routes = new RoutingHandler()
                .get("/a.gif", BareGifServer::pixel)
                .get("/readyz", BareGifServer::ok)
                .get("/healthz", BareGifServer::ok);
        Undertow server = Undertow.builder().addHttpListener(port, host).setHandler(routes).build();
        server.start();
        System.out.println("Bare GIF server listening on http://" + host + ":" + port + "/a.gif");
        return server;
    }

    /** The same status, headers and body as the gateway's {@code PixelHandler} for an accepted event. */
    private static void pixel(HttpServerExchange exchange) {
        exchange.setStatusCode(StatusCodes.OK);
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.CONTENT_TYPE, "image/gif");
        headers.put(Headers.CACHE_CONTROL, NO_CACHE);
        headers.put(Headers.PRAGMA, "no-cache");
        headers.put(Headers.EXPIRES, "0");
        headers.put(Headers.CONTENT_LENGTH, GIF.length);
        exchange.getResponseSender().send(SHARED.duplicate());
    }

    private static void ok(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send("ok\n");
    }
}

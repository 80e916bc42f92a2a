package dev.tally.gateway.http;

import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.EventPublisher;
import dev.tally.gateway.ingest.PixelHit;
import dev.tally.gateway.ingest.Rejection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Deque;

/**
 * {@code GET /a.gif?site=&url=&ref=&title=}: always answers the transparent GIF, with no-cache headers.
 * An accepted event is answered 200 only after Kafka acknowledged it; a rejected one 400 (bad input)
 * or 503 (not stored) with the reason in {@code X-Tally-Rejected}.
 *
 * <p>Validation runs on the IO thread (cheap, no blocking); publishing is dispatched to a worker
 * thread because {@code send()} may block while the producer waits for metadata.
 */
final class PixelHandler implements HttpHandler {
    static final HttpString REJECTED_HEADER = new HttpString("X-Tally-Rejected");
    private static final String NO_CACHE = "no-cache, no-store, must-revalidate";
    private static final String IMAGE_GIF = "image/gif";

    private final EventFactory events;
    private final EventPublisher publisher;
    private final GatewayMetrics metrics;
    private final Clock clock;

    PixelHandler(EventFactory events, EventPublisher publisher, GatewayMetrics metrics, Clock clock) {
        this.events = events;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        PixelHit hit = new PixelHit(
                param(exchange, "site"),
                param(exchange, "url"),
                param(exchange, "ref"),
                param(exchange, "title"),
                clientIp(exchange),
                exchange.getRequestHeaders().getFirst(Headers.USER_AGENT),
                exchange.getRequestHeaders().getFirst(Headers.ACCEPT_LANGUAGE),
                clock.instant());
        EventFactory.Outcome outcome = events.fromPixel(hit);
        if (!outcome.isAccepted()) {
            metrics.rejected(Endpoint.PIXEL, outcome.rejection());
            respond(exchange, StatusCodes.BAD_REQUEST, outcome.rejection());
            return;
        }
        exchange.dispatch(() -> publisher.publish(outcome.event()).whenComplete((ignored, error) -> {
            if (error == null) {
                metrics.accepted(Endpoint.PIXEL);
                respond(exchange, StatusCodes.OK, null);
            } else {
                metrics.notStored(Endpoint.PIXEL, error);
                respond(exchange, StatusCodes.SERVICE_UNAVAILABLE, Rejection.KAFKA_UNAVAILABLE);
            }
        }));
    }

    private static void respond(HttpServerExchange exchange, int status, Rejection rejection) {
        exchange.setStatusCode(status);
        var headers = exchange.getResponseHeaders();
        headers.put(Headers.CONTENT_TYPE, IMAGE_GIF);
        headers.put(Headers.CACHE_CONTROL, NO_CACHE);
        headers.put(Headers.PRAGMA, "no-cache");
        headers.put(Headers.EXPIRES, "0");
        headers.put(Headers.CONTENT_LENGTH, Gif.LENGTH);
        if (rejection != null) {
            headers.put(REJECTED_HEADER, rejection.code());
        }
        exchange.getResponseSender().send(Gif.buffer());
    }

    private static String param(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null ? null : values.peekFirst();
    }

    private static String clientIp(HttpServerExchange exchange) {
        InetSocketAddress peer = exchange.getSourceAddress();
        return peer == null || peer.getAddress() == null ? "" : peer.getAddress().getHostAddress();
    }
}

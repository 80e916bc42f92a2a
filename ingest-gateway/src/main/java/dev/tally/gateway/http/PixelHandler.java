package dev.tally.gateway.http;

import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.EventInput;
import dev.tally.gateway.ingest.EventPublisher;
import dev.tally.gateway.ingest.QueryStrings;
import dev.tally.gateway.ingest.Rejection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code GET /a.gif}: always answers the transparent GIF with no-cache headers. Parameters:
 * {@code site, url, ref, title, w} (screen width), {@code n} (event name; absent for a page view),
 * {@code value}, {@code currency}, {@code ts} (client time) and {@code p.<name>} per property.
 * An accepted event is answered 200 only after Kafka acknowledged it; a rejected one 400 (bad input)
 * or 503 (not stored), with the reason in {@code X-Tally-Rejected}.
 *
 * <p>Parsing and validation run on the IO thread (cheap, no blocking). Publishing does too while the
 * publisher says it cannot block; otherwise (no metadata yet, buffer filling up, Kafka failing) it is
 * dispatched to a worker thread, because {@code send()} may then block for up to {@code max.block.ms}.
 */
final class PixelHandler implements HttpHandler {
    static final HttpString REJECTED_HEADER = new HttpString("X-Tally-Rejected");
    private static final String NO_CACHE = "no-cache, no-store, must-revalidate";
    private static final String IMAGE_GIF = "image/gif";
    private static final String PROP_PREFIX = "p.";
    private static final int MAX_PARAMETERS = 64;

    private final EventFactory events;
    private final EventPublisher publisher;
    private final GatewayMetrics metrics;
    private final RequestInfos requests;

    PixelHandler(EventFactory events, EventPublisher publisher, GatewayMetrics metrics, RequestInfos requests) {
        this.events = events;
        this.publisher = publisher;
        this.metrics = metrics;
        this.requests = requests;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Map<String, String> params;
        try {
            params = QueryStrings.parse(exchange.getQueryString(), MAX_PARAMETERS);
        } catch (QueryStrings.MalformedException e) {
            reject(exchange, StatusCodes.BAD_REQUEST, Rejection.BAD_ENCODING);
            return;
        }
        EventInput.RequestInfo request = requests.read(exchange);
        EventFactory.Outcome outcome;
        try {
            outcome = events.create(input(params, request));
        } catch (RuntimeException e) {
            // The day's visitor salt is not agreed yet (Cassandra unreachable), or a defect: either way
            // the pixel still answers its GIF, 503 so a retrying client comes back, and it is counted.
            metrics.notStored(Endpoint.PIXEL, e);
            respond(exchange, StatusCodes.SERVICE_UNAVAILABLE, Rejection.KAFKA_UNAVAILABLE);
            return;
        }
        if (outcome.isIgnored()) {
            metrics.ignored(Endpoint.PIXEL);
            respond(exchange, StatusCodes.OK, null);
            return;
        }
        if (!outcome.isAccepted()) {
            reject(exchange, StatusCodes.BAD_REQUEST, outcome.rejection());
            return;
        }
        if (outcome.setsCookie()) {
            requests.setVisitorCookie(exchange, request);
        }
        Runnable publish = () -> publisher.publish(outcome.event()).whenComplete((ignored, error) -> onIoThread(exchange, () -> {
            if (error == null) {
                metrics.accepted(Endpoint.PIXEL);
                respond(exchange, StatusCodes.OK, null);
            } else {
                metrics.notStored(Endpoint.PIXEL, error);
                respond(exchange, StatusCodes.SERVICE_UNAVAILABLE, Rejection.KAFKA_UNAVAILABLE);
            }
        }));
        // Either way the exchange stays open until the acknowledgement answers it. A worker thread only
        // when send() might block; otherwise the hand-over would cost more than the send.
        if (publisher.publishesWithoutBlocking()) {
            exchange.dispatch(SameThreadExecutor.INSTANCE, publish);
        } else {
            exchange.dispatch(publish);
        }
    }

    /**
     * Runs an answer on the connection's own IO thread. The acknowledgement arrives on the producer's
     * single network thread; answering there would serialise every response on that thread and make
     * each connection's re-arming for its next request a cross-thread selector wake-up. Queued tasks
     * share one wake-up, and the IO thread writes the response as it would without Kafka.
     */
    static void onIoThread(HttpServerExchange exchange, Runnable answer) {
        try {
            exchange.getIoThread().execute(answer);
        } catch (RejectedExecutionException e) {
            answer.run(); // the IO thread is shutting down: answer from here rather than not at all
        }
    }

    static EventInput input(Map<String, String> params, EventInput.RequestInfo request) {
        Map<String, String> props = new LinkedHashMap<>();
        params.forEach((name, value) -> {
            if (name.startsWith(PROP_PREFIX) && name.length() > PROP_PREFIX.length()) {
                props.put(name.substring(PROP_PREFIX.length()), value);
            }
        });
        return new EventInput(params.get("site"), params.get("url"), params.get("ref"), params.get("title"), params.get("n"),
                params.get("w"), params.get("value"), params.get("currency"), props, params.get("ts"), request);
    }

    private void reject(HttpServerExchange exchange, int status, Rejection rejection) {
        metrics.rejected(Endpoint.PIXEL, rejection);
        respond(exchange, status, rejection);
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
}

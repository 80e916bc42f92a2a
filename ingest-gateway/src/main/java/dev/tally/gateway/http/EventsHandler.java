package dev.tally.gateway.http;

import dev.tally.gateway.ingest.EventFactory;
import dev.tally.gateway.ingest.EventInput;
import dev.tally.gateway.ingest.EventPublisher;
import dev.tally.gateway.ingest.JsonEvents;
import dev.tally.gateway.ingest.Rejection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/event}: one event object or an array of them, as JSON (Plausible's Events API
 * payloads are accepted unchanged, see {@link JsonEvents}). Answers, always with a JSON body:
 * <ul>
 *   <li>202 {@code {"accepted":n,"ignored":n,"rejected":[{"index":i,"reason":"..."}]}} once Kafka
 *       acknowledged every accepted event (400 with the same body when nothing was accepted);
 *   <li>400 malformed JSON, 413 body or batch too large, 415 a content type that cannot carry JSON;
 *   <li>503 with {@code Retry-After} when Kafka did not take the events, listing which were stored.
 * </ul>
 * The body is read without blocking; validation and publishing run on a worker thread.
 */
final class EventsHandler implements HttpHandler {
    private static final String RETRY_AFTER_SECONDS = "5";

    private final EventFactory events;
    private final EventPublisher publisher;
    private final GatewayMetrics metrics;
    private final RequestInfos requests;
    private final Cors cors;
    private final long maxBodyBytes;
    private final int maxEvents;

    EventsHandler(EventFactory events, EventPublisher publisher, GatewayMetrics metrics, RequestInfos requests, Cors cors,
                  long maxBodyBytes, int maxEvents) {
        this.events = events;
        this.publisher = publisher;
        this.metrics = metrics;
        this.requests = requests;
        this.cors = cors;
        this.maxBodyBytes = maxBodyBytes;
        this.maxEvents = maxEvents;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.getRequestMethod().equals(Methods.OPTIONS)) {
            cors.preflight(exchange);
            return;
        }
        cors.allow(exchange);
        if (!carriesJson(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE))) {
            error(exchange, StatusCodes.UNSUPPORTED_MEDIA_TYPE, "send JSON as application/json or text/plain");
            return;
        }
        if (exchange.getRequestContentLength() > maxBodyBytes) {
            error(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "the body is larger than " + maxBodyBytes + " bytes");
            return;
        }
        exchange.setMaxEntitySize(maxBodyBytes);
        exchange.getRequestReceiver().receiveFullBytes(
                (ex, body) -> {
                    // Like the pixel: on the IO thread while publishing cannot block, else on a worker.
                    Runnable handle = () -> handleBody(ex, body);
                    if (publisher.publishesWithoutBlocking()) {
                        ex.dispatch(SameThreadExecutor.INSTANCE, handle);
                    } else {
                        ex.dispatch(handle);
                    }
                },
                (ex, failure) -> {
                    if (failure instanceof RequestTooBigException) {
                        error(ex, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "the body is larger than " + maxBodyBytes + " bytes");
                    } else {
                        // The client went away or sent a broken body; nothing was accepted.
                        ex.setStatusCode(StatusCodes.BAD_REQUEST);
                        ex.endExchange();
                    }
                });
    }

    private void handleBody(HttpServerExchange exchange, byte[] body) {
        EventInput.RequestInfo request = requests.read(exchange);
        List<JsonEvents.Item> items;
        try {
            items = JsonEvents.parse(body, request, maxEvents);
        } catch (JsonEvents.MalformedJsonException e) {
            error(exchange, StatusCodes.BAD_REQUEST, e.getMessage());
            return;
        } catch (JsonEvents.TooManyEventsException e) {
            error(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, e.getMessage());
            return;
        }

        List<Integer> acceptedIndexes = new ArrayList<>();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        StringBuilder rejected = new StringBuilder();
        int ignored = 0;
        boolean setsCookie = false;
        // Once a send fails at once (no metadata: Kafka unreachable), the rest would each block for
        // max.block.ms; they are answered as not stored instead.
        boolean kafkaDown = false;
        for (int i = 0; i < items.size(); i++) {
            JsonEvents.Item item = items.get(i);
            Rejection rejection = item.rejection();
            if (rejection == null) {
                EventFactory.Outcome outcome;
                try {
                    outcome = events.create(item.input());
                } catch (RuntimeException e) {
                    // No visitor salt yet (Cassandra unreachable), or a defect: 503, never a bare 500.
                    unavailable(exchange, List.of(), e);
                    return;
                }
                if (outcome.isIgnored()) {
                    metrics.ignored(Endpoint.EVENTS);
                    ignored++;
                    continue;
                }
                rejection = outcome.rejection();
                if (rejection == null) {
                    setsCookie |= outcome.setsCookie();
                    acceptedIndexes.add(i);
                    CompletableFuture<Void> ack = kafkaDown
                            ? CompletableFuture.failedFuture(new IllegalStateException("not sent: Kafka unavailable"))
                            : publisher.publish(outcome.event()).toCompletableFuture();
                    kafkaDown |= ack.isCompletedExceptionally();
                    acks.add(ack);
                    continue;
                }
            }
            metrics.rejected(Endpoint.EVENTS, rejection);
            rejected.append(rejected.length() == 0 ? "" : ",")
                    .append("{\"index\":").append(i).append(",\"reason\":\"").append(rejection.code()).append("\"}");
        }
        if (setsCookie) {
            requests.setVisitorCookie(exchange, request);
        }
        int ignoredCount = ignored;
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
            if (failure != null) {
                List<Integer> stored = new ArrayList<>();
                for (int i = 0; i < acks.size(); i++) {
                    if (!acks.get(i).isCompletedExceptionally()) {
                        stored.add(acceptedIndexes.get(i));
                        metrics.accepted(Endpoint.EVENTS);
                    }
                }
                unavailable(exchange, stored, failure);
                return;
            }
            acks.forEach(ack -> metrics.accepted(Endpoint.EVENTS));
            boolean nothingAccepted = acks.isEmpty() && rejected.length() > 0;
            json(exchange, nothingAccepted ? StatusCodes.BAD_REQUEST : StatusCodes.ACCEPTED,
                    "{\"accepted\":" + acks.size() + ",\"ignored\":" + ignoredCount + ",\"rejected\":[" + rejected + "]}");
        });
    }

    private void unavailable(HttpServerExchange exchange, List<Integer> stored, Throwable failure) {
        metrics.notStored(Endpoint.EVENTS, failure);
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
        json(exchange, StatusCodes.SERVICE_UNAVAILABLE,
                "{\"error\":\"unavailable\",\"message\":\"events could not be stored; retry the ones not listed as stored\",\"stored\":"
                        + stored + "}");
    }

    static boolean carriesJson(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return true;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("text/plain") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private static void error(HttpServerExchange exchange, int status, String message) {
        json(exchange, status, "{\"error\":" + quote(message) + "}");
    }

    private static void json(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(body);
    }

    /** Our messages only, never client input; still escaped as JSON strings must be. */
    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}

package dev.tally.gateway.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the events API's JSON: one event object or an array of them. Accepts Plausible's Events API
 * payloads unchanged: long keys ({@code name, url, domain, referrer, props, revenue}) and the short
 * ones its trackers send ({@code n, u, d, r, p, $, w}), properties and revenue as objects or as JSON
 * text, and keys Tally does not use ({@code v, h, i, sd, e, ...}), which are ignored, never rejected.
 * Tally's own additions: {@code title}/{@code t}, {@code value}, {@code timestamp}.
 */
public final class JsonEvents {
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(64 * 1024).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonEvents() {}

    /** The body is not JSON at all: answered 400. */
    public static final class MalformedJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }

    /** Each element of the payload: an input to validate, or a rejection when it is not even an object. */
    public record Item(EventInput input, Rejection rejection) {}

    public static List<Item> parse(byte[] body, EventInput.RequestInfo request, int maxEvents)
            throws MalformedJsonException, TooManyEventsException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Limit violations (string length, nesting depth) carry no location.
            throw new MalformedJsonException(e.getLocation() == null ? "malformed JSON or over the size limits"
                    : "malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new MalformedJsonException("unreadable body");
        }
        if (root == null || root.isMissingNode()) {
            throw new MalformedJsonException("empty body");
        }
        List<Item> items = new ArrayList<>();
        if (root.isArray()) {
            if (root.size() > maxEvents) {
                throw new TooManyEventsException(maxEvents);
            }
            for (JsonNode element : root) {
                items.add(element.isObject() ? new Item(fromObject(element, request), null) : new Item(null, Rejection.INVALID_EVENT));
            }
        } else if (root.isObject()) {
            items.add(new Item(fromObject(root, request), null));
        } else {
            throw new MalformedJsonException("expected an event object or an array of them");
        }
        return items;
    }

    /** More events in one request than allowed: answered 413. */
    public static final class TooManyEventsException extends Exception {
        private static final long serialVersionUID = 1L;

        TooManyEventsException(int max) {
            super("a batch holds at most " + max + " events", null, false, false);
        }
    }

    static EventInput fromObject(JsonNode event, EventInput.RequestInfo request) {
        JsonNode revenue = parseIfText(first(event, "revenue", "$"));
        String value = text(event.get("value"));
        String currency = null;
        if (revenue != null && revenue.isObject()) {
            if (value == null) {
                value = text(revenue.get("amount"));
            }
            currency = text(revenue.get("currency"));
        }
        return new EventInput(
                firstSite(text(first(event, "domain", "d", "site"))),
                text(first(event, "url", "u")),
                text(first(event, "referrer", "r")),
                text(first(event, "title", "t")),
                text(first(event, "name", "n")),
                text(first(event, "screen_width", "w")),
                value,
                currency,
                props(parseIfText(first(event, "props", "p", "meta", "m"))),
                text(first(event, "timestamp", "ts")),
                request);
    }

    /** Plausible lets one event count for several sites ("a.com,b.com"); Tally counts it for the first. */
    private static String firstSite(String domains) {
        if (domains == null) {
            return null;
        }
        int comma = domains.indexOf(',');
        return comma >= 0 ? domains.substring(0, comma).trim() : domains.trim();
    }

    private static JsonNode first(JsonNode event, String... names) {
        for (String name : names) {
            JsonNode node = event.get(name);
            if (node != null && !node.isNull()) {
                return node;
            }
        }
        return null;
    }

    /** Older Plausible trackers send props and revenue as JSON text inside the JSON. */
    private static JsonNode parseIfText(JsonNode node) {
        if (node != null && node.isTextual()) {
            try {
                return JSON.readTree(node.textValue());
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        return node;
    }

    private static Map<String, String> props(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, String> props = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = ((ObjectNode) node).fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String value = text(field.getValue());
            if (value != null) {
                props.put(field.getKey(), value);
            }
        }
        return props;
    }

    /** Text of a scalar; numbers and booleans as written; nested objects and arrays as their JSON. */
    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        return node.toString();
    }
}

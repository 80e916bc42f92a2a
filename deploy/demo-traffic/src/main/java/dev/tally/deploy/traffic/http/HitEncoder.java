package dev.tally.deploy.traffic.http;

import dev.tally.deploy.traffic.model.Hit;
import dev.tally.deploy.traffic.model.PlannedEvent;
import dev.tally.deploy.traffic.model.Visitor;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns a {@link Hit} into the bytes of one HTTP/1.1 request, as the real clients send it: the
 * tracker's JSON with Plausible's short keys as {@code text/plain}, the pixel's query string, or a
 * server relay's JSON array with long keys, {@code revenue} and client timestamps. Every request
 * carries the visitor's user agent and language, and its address as {@code X-Forwarded-For} (the
 * gateway believes it only from a trusted proxy, which the demo and benchmark stacks configure).
 */
public final class HitEncoder {
    /** The header the gateway reads the site key from. */
    public static final String SITE_KEY_HEADER = "X-Tally-Site-Key";

    private final String hostHeader;
    private final String pixelPath;
    private final String eventsPath;

    /**
     * @param hostHeader the gateway's {@code host:port}
     * @param pixelPath the gateway's pixel path ({@code gateway.paths.pixel})
     * @param eventsPath the gateway's events API path ({@code gateway.paths.events})
     */
    public HitEncoder(String hostHeader, String pixelPath, String eventsPath) {
        this.hostHeader = hostHeader;
        this.pixelPath = pixelPath;
        this.eventsPath = eventsPath;
    }

    /**
     * @param siteKey the site's key, sent only when the hit needs it (backfill)
     * @param nowMillis the send time: client timestamps are it minus each event's lateness
     */
    public byte[] encode(Hit hit, String siteKey, long nowMillis) {
        return switch (hit.transport()) {
            case PIXEL -> pixel(hit, hit.needsSiteKey() ? siteKey : null, nowMillis);
            case TRACKER -> post(hit, trackerJson(hit, hit.events().get(0), nowMillis), "text/plain;charset=UTF-8", null, true);
            case EVENTS_API -> post(hit, relayJson(hit, nowMillis), "application/json", hit.needsSiteKey() ? siteKey : null, false);
        };
    }

    private byte[] pixel(Hit hit, String siteKey, long nowMillis) {
        PlannedEvent event = hit.events().get(0);
        StringBuilder target = new StringBuilder(256).append(pixelPath)
                .append("?site=").append(query(hit.site().id()))
                .append("&url=").append(query(event.url()));
        if (event.referrer() != null) {
            target.append("&ref=").append(query(event.referrer()));
        }
        target.append("&title=").append(query(event.title()))
                .append("&w=").append(hit.visitor().screenWidth());
        if (!event.pageview()) {
            target.append("&n=").append(query(event.name()));
        }
        if (event.valueCents() != null) {
            target.append("&value=").append(amount(event.valueCents()));
            if (event.currency() != null) {
                target.append("&currency=").append(event.currency());
            }
        }
        for (Map.Entry<String, String> prop : event.props().entrySet()) {
            target.append("&p.").append(query(prop.getKey())).append('=').append(query(prop.getValue()));
        }
        if (event.latenessMillis() > 0) {
            target.append("&ts=").append(nowMillis - event.latenessMillis());
        }
        StringBuilder request = requestLine("GET", target, hit.visitor(), siteKey);
        request.append("Accept: image/avif,image/webp,image/png,image/*;q=0.8,*/*;q=0.5\r\n\r\n");
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] post(Hit hit, String json, String contentType, String siteKey, boolean fromBrowser) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        StringBuilder request = requestLine("POST", new StringBuilder(eventsPath), hit.visitor(), siteKey);
        if (fromBrowser) {
            // What a browser adds to a cross-origin sendBeacon/fetch from the site's page.
            request.append("Origin: https://").append(hit.site().wwwHost()).append("\r\n");
        }
        request.append("Content-Type: ").append(contentType).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = request.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private StringBuilder requestLine(String method, CharSequence target, Visitor visitor, String siteKey) {
        StringBuilder request = new StringBuilder(512).append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("User-Agent: ").append(visitor.userAgent()).append("\r\n")
                .append("X-Forwarded-For: ").append(visitor.address()).append("\r\n");
        if (visitor.language() != null) {
            request.append("Accept-Language: ").append(visitor.language()).append("\r\n");
        }
        if (siteKey != null) {
            request.append(SITE_KEY_HEADER).append(": ").append(siteKey).append("\r\n");
        }
        return request;
    }

    /** The tracker's body: {@code {n, u, d, r, w, t, p, value}}. */
    static String trackerJson(Hit hit, PlannedEvent event, long nowMillis) {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "n", event.name()).append(',');
        field(json, "u", event.url()).append(',');
        field(json, "d", hit.site().id()).append(',');
        field(json, "r", event.referrer()).append(',');
        json.append("\"w\":").append(hit.visitor().screenWidth()).append(',');
        field(json, "t", event.title());
        if (!event.props().isEmpty()) {
            json.append(",\"p\":");
            props(json, event.props());
        }
        if (event.valueCents() != null) {
            json.append(",\"value\":").append(amount(event.valueCents()));
        }
        if (event.latenessMillis() > 0) {
            json.append(",\"timestamp\":").append(nowMillis - event.latenessMillis());
        }
        return json.append('}').toString();
    }

    /** A relay's body: Plausible's Events API keys, an array, {@code revenue} for values, client timestamps. */
    static String relayJson(Hit hit, long nowMillis) {
        StringBuilder json = new StringBuilder(256 * hit.events().size()).append('[');
        for (PlannedEvent event : hit.events()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('{');
            field(json, "name", event.name()).append(',');
            field(json, "url", event.url()).append(',');
            field(json, "domain", hit.site().id()).append(',');
            if (event.referrer() != null) {
                field(json, "referrer", event.referrer()).append(',');
            }
            field(json, "title", event.title()).append(',');
            json.append("\"screen_width\":").append(hit.visitor().screenWidth()).append(',');
            if (!event.props().isEmpty()) {
                json.append("\"props\":");
                props(json, event.props());
                json.append(',');
            }
            if (event.valueCents() != null) {
                if (event.currency() != null) {
                    json.append("\"revenue\":{");
                    field(json, "currency", event.currency());
                    json.append(",\"amount\":").append(amount(event.valueCents())).append("},");
                } else {
                    json.append("\"value\":").append(amount(event.valueCents())).append(',');
                }
            }
            json.append("\"timestamp\":").append(nowMillis - event.latenessMillis()).append('}');
        }
        return json.append(']').toString();
    }

    private static void props(StringBuilder json, Map<String, String> props) {
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, String> prop : props.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            field(json, prop.getKey(), prop.getValue());
        }
        json.append('}');
    }

    static String amount(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        quote(json, name).append(':');
        return value == null ? json.append("null") : quote(json, value);
    }

    static StringBuilder quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

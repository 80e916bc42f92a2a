package dev.tally.deploy.traffic.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.deploy.traffic.model.Hit;
import dev.tally.deploy.traffic.model.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which events of a hit the gateway stored, read from its answer: the pixel's status and
 * {@code X-Tally-Rejected} header; the events API's {@code {"accepted":n,"rejected":[{"index":i,"reason":r}]}}
 * (202, or 400 when nothing was taken) or, on 503, its list of indexes that were stored anyway.
 *
 * @param stored indexes into {@link Hit#events()} the gateway acknowledged
 * @param rejected reason (the gateway's code, or {@code http_<status>}) of every event not stored
 */
public record GatewayAnswer(BitSet stored, Map<Integer, String> rejected) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static GatewayAnswer of(Hit hit, int status, String rejectedHeader, byte[] body) {
        int events = hit.events().size();
        if (hit.transport() == Transport.PIXEL) {
            return status == 200 ? all(events) : none(events, rejectedHeader != null ? rejectedHeader : "http_" + status);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return none(events, "http_" + status);
        }
        if (status == 202 || (status == 400 && json.has("accepted"))) {
            Map<Integer, String> rejected = new LinkedHashMap<>();
            for (JsonNode item : json.path("rejected")) {
                rejected.put(item.path("index").asInt(), item.path("reason").asText("unknown"));
            }
            BitSet stored = new BitSet();
            stored.set(0, events);
            rejected.keySet().forEach(stored::clear);
            return new GatewayAnswer(stored, rejected);
        }
        if (status == 503) {
            BitSet stored = new BitSet();
            for (JsonNode index : json.path("stored")) {
                stored.set(index.asInt());
            }
            Map<Integer, String> rejected = new LinkedHashMap<>();
            for (int i = 0; i < events; i++) {
                if (!stored.get(i)) {
                    rejected.put(i, "unavailable");
                }
            }
            return new GatewayAnswer(stored, rejected);
        }
        return none(events, "http_" + status);
    }

    private static GatewayAnswer all(int events) {
        BitSet stored = new BitSet();
        stored.set(0, events);
        return new GatewayAnswer(stored, Map.of());
    }

    private static GatewayAnswer none(int events, String reason) {
        Map<Integer, String> rejected = new LinkedHashMap<>();
        for (int i = 0; i < events; i++) {
            rejected.put(i, reason);
        }
        return new GatewayAnswer(new BitSet(), rejected);
    }

    public List<Integer> storedIndexes() {
        List<Integer> indexes = new ArrayList<>();
        stored.stream().forEach(indexes::add);
        return indexes;
    }
}

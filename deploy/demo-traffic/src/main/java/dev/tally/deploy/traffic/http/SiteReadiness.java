package dev.tally.deploy.traffic.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.deploy.traffic.model.SiteProfile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Waits until a gateway knows the simulated sites with their current keys, before any traffic counts.
 * Gateways reload the registry every few seconds, so a site registered (or given a new key) a moment
 * ago may still be unknown to it. The probe is an event dated 1970 with the site key: a gateway that
 * knows the site, its hosts and its key rejects it as {@code too_old} (the check after the key's);
 * {@code unknown_site}, {@code host_not_allowed} or {@code backfill_needs_key} mean not yet. Nothing
 * is stored; the gateway counts one rejection per probe.
 */
public final class SiteReadiness {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READY = "too_old";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI events;

    /** @param events the gateway's events API, e.g. {@code http://127.0.0.1:8080/api/event} */
    public SiteReadiness(URI events) {
        this.events = events;
    }

    /**
     * Polls every site until each answers ready, or fails after {@code timeout} naming the sites
     * still not ready and what the gateway said.
     */
    public void await(List<SiteProfile> sites, Map<String, String> keys, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> waiting = new LinkedHashMap<>();
        sites.forEach(site -> waiting.put(site.id(), "not asked yet"));
        while (true) {
            for (SiteProfile site : sites) {
                if (waiting.containsKey(site.id())) {
                    String answer = probe(site, keys.get(site.id()));
                    if (answer.equals(READY)) {
                        waiting.remove(site.id());
                    } else {
                        waiting.put(site.id(), answer);
                    }
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The gateway at " + events + " does not accept the simulated sites yet after "
                        + timeout.toSeconds() + " s: " + waiting + ". Is the site registry in the gateway's Cassandra keyspace?");
            }
            Thread.sleep(250); // the registry reloads every few seconds; a quarter second apart is polite
        }
    }

    String probe(SiteProfile site, String key) throws InterruptedException {
        String body = "{\"n\":\"pageview\",\"u\":\"https://" + site.wwwHost() + "/\",\"d\":\"" + site.id() + "\",\"timestamp\":86400000}";
        HttpRequest.Builder request = HttpRequest.newBuilder(events)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "tally-demo-traffic readiness probe")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header(HitEncoder.SITE_KEY_HEADER, key);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = JSON.readTree(response.body());
            if (json.path("accepted").asInt() > 0) {
                throw new IllegalStateException("Site " + site.id() + " stored an event dated 1970: its retention is longer than"
                        + " the simulated sites' should be. Remove it or use another site id prefix.");
            }
            JsonNode reason = json.path("rejected").path(0).path("reason");
            return reason.isMissingNode() ? "HTTP " + response.statusCode() : reason.asText();
        } catch (IOException e) {
            return "no answer (" + e.getMessage() + ")";
        }
    }
}

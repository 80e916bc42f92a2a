package dev.tally.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** The query API as a dashboard uses it: one site at a time, with that site's key. */
final class QueryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    QueryClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Totals of {@code [from, to)}: page views, visitors, custom events. */
    record Totals(long pageviews, double visitors, long events) {}

    Totals aggregate(String site, String key, Instant from, Instant to) throws IOException, InterruptedException {
        JsonNode results = get("/api/v1/aggregate?site=" + encode(site) + "&from=" + from + "&to=" + to
                + "&metrics=pageviews,visitors,events", key).path("results");
        return new Totals(results.path("pageviews").asLong(), results.path("visitors").asDouble(), results.path("events").asLong());
    }

    /** Every page of {@code [from, to)} with at least one page view (all result pages read). */
    Set<String> pagesWithViews(String site, String key, Instant from, Instant to) throws IOException, InterruptedException {
        Set<String> pages = new HashSet<>();
        for (int page = 1; ; page++) {
            JsonNode answer = get("/api/v1/breakdown?site=" + encode(site) + "&dimension=page&sort=pageviews&limit=1000&page=" + page
                    + "&from=" + from + "&to=" + to, key);
            JsonNode results = answer.path("results");
            for (JsonNode row : results) {
                if (row.path("pageviews").asLong() > 0) {
                    pages.add(row.path("value").asText());
                }
            }
            if (results.size() < 1000) {
                return pages;
            }
        }
    }

    private JsonNode get(String pathAndQuery, String key) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + key).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new IOException("query API answered " + response.statusCode() + " to " + pathAndQuery + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}

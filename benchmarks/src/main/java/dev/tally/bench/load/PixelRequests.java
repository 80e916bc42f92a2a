package dev.tally.bench.load;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The pixel requests both load tools send, so that wrk and the open-loop generator load the servers
 * alike: a few pages of site {@code bench} (host example.com), each from a few dozen browsers. The
 * user agent varies because the cookieless visitor id hashes (site, IP, user agent): with one agent
 * every event would have the same Kafka key and land in one partition.
 */
public final class PixelRequests {
    public static final String SITE = "bench";
    public static final String HOST = "example.com";
    /** The request of the issue, the first of the mix. */
    public static final String FIRST_PATH = "/a.gif?site=bench&url=https%3A%2F%2Fexample.com%2Fpricing"
            + "&ref=https%3A%2F%2Fgoogle.com%2F&title=Pricing";

    private static final String[][] PAGES = {
        {"/pricing", "Pricing"},
        {"/", "Home"},
        {"/docs/getting-started", "Getting started"},
        {"/blog/why-self-hosted-analytics", "Why self-hosted analytics"},
        {"/features", "Features"},
        {"/about", "About us"},
        {"/docs/configuration", "Configuration"},
        {"/contact", "Contact"},
    };
    private static final String[] REFERRERS = {
        "https://google.com/", "https://duckduckgo.com/", "https://news.ycombinator.com/", "",
    };
    private static final int BROWSERS = 61;

    /** One request: the path with its query string, and the User-Agent header. */
    public record Request(String path, String userAgent) {
        /** The bytes of an HTTP/1.1 keep-alive GET to {@code hostHeader}. */
        public byte[] toHttp(String hostHeader) {
            return ("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nUser-Agent: " + userAgent
                    + "\r\nAccept: image/avif,image/webp,*/*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private PixelRequests() {}

    /**
     * {@code count} requests; the first is {@link #FIRST_PATH}. Pages, referrers and browsers cycle with
     * coprime periods, so every combination appears.
     */
    public static List<Request> mix(int count) {
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String path = i == 0 ? FIRST_PATH : path(PAGES[i % PAGES.length], REFERRERS[i % REFERRERS.length]);
            requests.add(new Request(path, userAgent(i % BROWSERS)));
        }
        return requests;
    }

    private static String path(String[] page, String referrer) {
        StringBuilder path = new StringBuilder("/a.gif?site=").append(SITE)
                .append("&url=").append(encode("https://" + HOST + page[0]));
        if (!referrer.isEmpty()) {
            path.append("&ref=").append(encode(referrer));
        }
        return path.append("&title=").append(encode(page[1])).append("&w=1280").toString();
    }

    private static String userAgent(int browser) {
        return "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478."
                + browser + " Safari/537.36";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

package dev.tally.query.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard: a page, its script and style from this jar, and Chart.js from its webjar, all held in
 * memory and answered from constant bytes. The page's Content-Security-Policy allows scripts from this
 * origin only, so even a visitor-controlled string that slipped into markup could not run.
 */
final class StaticAssets {
    private static final String DASHBOARD = "dev/tally/query/dashboard/";
    private static final String CHART_POM = "META-INF/maven/org.webjars/chartjs/pom.properties";
    private static final HttpString CSP = new HttpString("Content-Security-Policy");
    private static final HttpString NOSNIFF = new HttpString("X-Content-Type-Options");
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");
    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " connect-src *; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private record Asset(byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> assets;

    StaticAssets() {
        String chartVersion = chartVersion();
        assets = Map.of(
                "/", new Asset(resource(DASHBOARD + "index.html"), "text/html; charset=utf-8"),
                "/assets/dashboard.js", new Asset(resource(DASHBOARD + "dashboard.js"), "text/javascript; charset=utf-8"),
                "/assets/dashboard.css", new Asset(resource(DASHBOARD + "dashboard.css"), "text/css; charset=utf-8"),
                "/assets/chart.umd.js", new Asset(resource("META-INF/resources/webjars/chartjs/" + chartVersion + "/dist/chart.umd.js"),
                        "text/javascript; charset=utf-8"));
    }

    HttpHandler handler(String path) {
        Asset asset = assets.get(path);
        if (asset == null) {
            throw new IllegalArgumentException("no asset " + path);
        }
        return exchange -> serve(exchange, asset);
    }

    Iterable<String> paths() {
        return assets.keySet();
    }

    private static void serve(HttpServerExchange exchange, Asset asset) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, asset.contentType());
        exchange.getResponseHeaders().put(CSP, POLICY);
        exchange.getResponseHeaders().put(NOSNIFF, "nosniff");
        exchange.getResponseHeaders().put(REFERRER_POLICY, "no-referrer");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseSender().send(ByteBuffer.wrap(asset.bytes()));
    }

    private static String chartVersion() {
        Properties properties = new Properties();
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(CHART_POM)) {
            if (in == null) {
                throw new IllegalStateException("Chart.js webjar missing from the class path (" + CHART_POM + ")");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static byte[] resource(String name) {
        try (InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

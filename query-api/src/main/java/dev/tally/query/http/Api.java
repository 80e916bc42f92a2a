package dev.tally.query.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tally.query.answer.Answers;
import dev.tally.query.answer.BadParameter;
import dev.tally.query.answer.Dimension;
import dev.tally.query.answer.Filter;
import dev.tally.query.answer.Metric;
import dev.tally.query.answer.QueryService;
import dev.tally.query.answer.Ranges;
import dev.tally.query.answer.SiteLookup;
import dev.tally.query.answer.TimeRange;
import dev.tally.query.answer.Totals;
import dev.tally.query.compose.Intervals;
import dev.tally.query.export.ExportFormat;
import dev.tally.query.export.RawEventSource;
import dev.tally.store.Site;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import org.xnio.IoUtils;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSON API under {@code /api/v1}: {@code aggregate}, {@code timeseries}, {@code breakdown},
 * {@code realtime} and {@code export}. Every request names its {@code site} and carries that site's key
 * ({@code Authorization: Bearer <key>} or {@code X-Tally-Site-Key}); the key is checked against the
 * site's stored hash, and only that site's rows are read. Answers say how many rows they read.
 * Reference: docs/query-api.md.
 */
final class Api {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final HttpString SITE_KEY = new HttpString("X-Tally-Site-Key");
    private static final HttpString ROWS_READ = new HttpString("X-Tally-Rows-Read");
    private static final HttpString PARTITIONS = new HttpString("X-Tally-Partitions");
    private static final String BEARER = "bearer ";
    static final List<String> METRICS = List.of("pageviews", "visitors", "events", "value_count", "value_sum", "value_min", "value_max", "value_avg");

    private final QueryService service;
    private final RawEventSource rawEvents;
    private final SiteLookup sites;
    private final Clock clock;
    private final QueryMetrics metrics;
    private final Cors cors;

    Api(QueryService service, RawEventSource rawEvents, SiteLookup sites, Clock clock, QueryMetrics metrics, Cors cors) {
        this.service = service;
        this.rawEvents = rawEvents;
        this.sites = sites;
        this.clock = clock;
        this.metrics = metrics;
        this.cors = cors;
    }

    HttpHandler aggregate() {
        return new Endpoint("aggregate", this::aggregate);
    }

    HttpHandler timeseries() {
        return new Endpoint("timeseries", this::timeseries);
    }

    HttpHandler breakdown() {
        return new Endpoint("breakdown", this::breakdown);
    }

    HttpHandler realtime() {
        return new Endpoint("realtime", this::realtime);
    }

    HttpHandler export() {
        return new Endpoint("export", null);
    }

    HttpHandler preflight() {
        return cors::preflight;
    }

    private record Request(Site site, Params params, Instant now) {
        TimeRange range() {
            return Ranges.resolve(params.get("period"), params.get("from"), params.get("to"), site.timeZone(), now);
        }
    }

    /** The answer of one endpoint: a JSON body and the rows it read. */
    private record Answer(Map<String, Object> body, long rowsRead) {
    }

    @FunctionalInterface
    private interface Answerer {
        Answer answer(Request request);
    }

    private Answer aggregate(Request request) {
        TimeRange range = request.range();
        Filter filter = request.params().filter();
        List<String> wanted = metricsParam(request.params());
        boolean compare = compareParam(request.params());
        Answers.Aggregate current = service.aggregate(request.site().id(), range.from(), range.to(), filter);
        Map<String, Object> body = header(request.site(), range);
        body.put("filter", filter.isNone() ? null : Map.of("dimension", filter.dimension().stored(), "value", filter.value()));
        body.put("results", metrics(current.totals(), wanted));
        long rows = current.rowsRead();
        long bound = current.bucketBound();
        if (compare) {
            Answers.Aggregate previous = service.aggregate(request.site().id(), range.previousFrom(), range.previousTo(), filter);
            body.put("previous", Map.of("from", range.previousFrom().toString(), "to", range.previousTo().toString(),
                    "results", metrics(previous.totals(), wanted)));
            rows += previous.rowsRead();
            bound += previous.bucketBound();
        }
        body.put("rows_read", rows);
        body.put("row_bound", bound);
        return new Answer(body, rows);
    }

    private Answer timeseries(Request request) {
        TimeRange range = request.range();
        Filter filter = request.params().filter();
        List<String> wanted = metricsParam(request.params());
        String intervalText = request.params().get("interval");
        Intervals.Unit unit;
        if (intervalText == null) {
            unit = Intervals.Unit.forRange(range.from(), range.to());
        } else {
            try {
                unit = Intervals.Unit.valueOf(intervalText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadParameter("interval", "must be minute, hour or day");
            }
        }
        Answers.Timeseries series;
        try {
            series = service.timeseries(request.site().id(), range.from(), range.to(), unit, request.site().timeZone(), filter);
        } catch (IllegalArgumentException e) {
            throw new BadParameter("interval", "too many intervals for this range (at most " + Intervals.MAX_INTERVALS + "); choose a coarser one");
        }
        Map<String, Object> body = header(request.site(), range);
        body.put("filter", filter.isNone() ? null : Map.of("dimension", filter.dimension().stored(), "value", filter.value()));
        body.put("interval", unit.name().toLowerCase(Locale.ROOT));
        List<Map<String, Object>> points = new ArrayList<>(series.points().size());
        for (Answers.Point point : series.points()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("start", point.start().toString());
            entry.put("end", point.end().toString());
            entry.putAll(metrics(point.totals(), wanted));
            points.add(entry);
        }
        body.put("results", points);
        body.put("rows_read", series.rowsRead());
        body.put("row_bound", series.bucketBound());
        return new Answer(body, series.rowsRead());
    }

    private Answer breakdown(Request request) {
        TimeRange range = request.range();
        String dimensionText = request.params().required("dimension");
        Dimension dimension = Dimension.parse(dimensionText).filter(d -> d != Dimension.TOTAL)
                .orElseThrow(() -> new BadParameter("dimension", "must be one of page, referrer_host, channel, utm_source, utm_campaign, event_name, browser, os, device"));
        String sortText = Optional.ofNullable(request.params().get("sort")).orElse("visitors");
        Metric sort = Metric.parse(sortText)
                .orElseThrow(() -> new BadParameter("sort", "must be pageviews, visitors, events, value_count or value_sum"));
        int limit = request.params().intInRange("limit", 10, 1, 1_000);
        int page = request.params().intInRange("page", 1, 1, 1_000_000);
        long offset = (long) (page - 1) * limit;
        if (offset > Integer.MAX_VALUE) {
            throw new BadParameter("page", "too far");
        }
        Answers.Breakdown breakdown = service.breakdown(request.site().id(), range.from(), range.to(), dimension, sort, (int) offset, limit);
        Map<String, Object> body = header(request.site(), range);
        body.put("dimension", dimension.stored());
        body.put("sort", sort.apiName());
        body.put("limit", limit);
        body.put("page", page);
        body.put("total_values", breakdown.distinctValues());
        List<Map<String, Object>> entries = new ArrayList<>(breakdown.entries().size());
        for (Answers.Entry entry : breakdown.entries()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("value", entry.value());
            row.putAll(metrics(entry.totals(), METRICS));
            entries.add(row);
        }
        body.put("results", entries);
        body.put("rows_read", breakdown.rowsRead());
        body.put("buckets_read", breakdown.bucketsRead());
        return new Answer(body, breakdown.rowsRead());
    }

    private Answer realtime(Request request) {
        TimeRange range = Ranges.resolve("realtime", null, null, request.site().timeZone(), request.now());
        Answers.Aggregate current = service.aggregate(request.site().id(), range.from(), range.to(), Filter.NONE);
        Map<String, Object> body = header(request.site(), range);
        body.put("visitors", current.totals().visitors());
        body.put("pageviews", current.totals().pageviews());
        body.put("events", current.totals().customEvents());
        body.put("rows_read", current.rowsRead());
        return new Answer(body, current.rowsRead());
    }

    private static Map<String, Object> header(Site site, TimeRange range) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("site", site.id());
        body.put("time_zone", site.timeZone().getId());
        body.put("from", range.from().toString());
        body.put("to", range.to().toString());
        return body;
    }

    static Map<String, Object> metrics(Totals totals, List<String> wanted) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String metric : wanted) {
            values.put(metric, switch (metric) {
                case "pageviews" -> totals.pageviews();
                case "visitors" -> totals.visitors();
                case "events" -> totals.customEvents();
                case "value_count" -> totals.valueCount();
                case "value_sum" -> totals.valueSum();
                case "value_min" -> totals.valueMin();
                case "value_max" -> totals.valueMax();
                case "value_avg" -> totals.valueAverage();
                default -> throw new IllegalStateException(metric);
            });
        }
        return values;
    }

    private static List<String> metricsParam(Params params) {
        String text = params.get("metrics");
        if (text == null) {
            return METRICS;
        }
        List<String> wanted = new ArrayList<>();
        for (String name : text.split(",")) {
            String metric = name.trim();
            if (!METRICS.contains(metric)) {
                throw new BadParameter("metrics", "unknown metric '" + metric.substring(0, Math.min(metric.length(), 40)) + "'; known: " + String.join(", ", METRICS));
            }
            if (!wanted.contains(metric)) {
                wanted.add(metric);
            }
        }
        return wanted;
    }

    private static boolean compareParam(Params params) {
        String compare = params.get("compare");
        if (compare == null) {
            return false;
        }
        if (!compare.equals("previous")) {
            throw new BadParameter("compare", "must be previous");
        }
        return true;
    }

    /** One API endpoint: dispatch off the IO thread, check the site and key, answer, count. */
    private final class Endpoint implements HttpHandler {
        private final String name;
        private final Answerer answerer;

        Endpoint(String name, Answerer answerer) {
            this.name = name;
            this.answerer = answerer;
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) {
            if (exchange.isInIoThread()) {
                exchange.dispatch(this);
                return;
            }
            long started = System.nanoTime();
            cors.allow(exchange);
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            int status;
            long rowsRead = 0;
            try {
                Params params = new Params(exchange.getQueryParameters());
                Site site = authorise(exchange, params);
                Request request = new Request(site, params, clock.instant());
                if (answerer == null) {
                    rowsRead = export(exchange, request);
                } else {
                    Answer answer = answerer.answer(request);
                    rowsRead = answer.rowsRead();
                    exchange.getResponseHeaders().put(ROWS_READ, Long.toString(rowsRead));
                    json(exchange, 200, answer.body());
                }
                status = 200;
            } catch (BadParameter e) {
                status = reject(exchange, 400, e.parameter(), e.getMessage(), Map.of("parameter", e.parameter()));
            } catch (Refused e) {
                status = reject(exchange, e.status, e.reason, e.getMessage(), Map.of());
            } catch (CompletionException | com.datastax.oss.driver.api.core.DriverException e) {
                LOG.warn("Cannot answer {}: Cassandra read failed ({}). Check Cassandra.", name, (e.getCause() == null ? e : e.getCause()).toString());
                status = exchange.isResponseStarted() ? 200 : error(exchange, 503, "storage unavailable, retry shortly");
            } catch (IOException e) {
                LOG.info("{}: client went away while streaming ({})", name, e.toString());
                status = 200;
            } catch (RuntimeException e) {
                LOG.error("{} failed unexpectedly; answering 500", name, e);
                status = exchange.isResponseStarted() ? 200 : error(exchange, 500, "internal error");
            }
            metrics.answered(name, status, rowsRead, Duration.ofNanos(System.nanoTime() - started));
            exchange.endExchange();
        }

        private Site authorise(HttpServerExchange exchange, Params params) {
            String siteId = params.required("site");
            if (!Site.ID.matcher(siteId).matches()) {
                throw new BadParameter("site", "not a site id");
            }
            Site site = sites.find(siteId).orElseThrow(() -> new Refused(404, "unknown_site", "unknown site"));
            String key = exchange.getRequestHeaders().getFirst(SITE_KEY);
            String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
            if (key == null && authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                key = authorization.substring(BEARER.length()).trim();
            }
            if (key == null || key.isEmpty()) {
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"tally\"");
                throw new Refused(401, "unauthorized", "this site's key is required (Authorization: Bearer <site key>)");
            }
            if (!site.acceptsKey(key)) {
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"tally\", error=\"invalid_token\"");
                throw new Refused(401, "unauthorized", "wrong key for this site");
            }
            return site;
        }

        private long export(HttpServerExchange exchange, Request request) throws IOException {
            ExportFormat format = ExportFormat.parse(Optional.ofNullable(request.params().get("format")).orElse("ndjson"))
                    .orElseThrow(() -> new BadParameter("format", "must be ndjson or csv"));
            TimeRange range = request.range();
            exchange.setStatusCode(200);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, format.contentType());
            exchange.getResponseHeaders().put(PARTITIONS, Long.toString(rawEvents.partitions(request.site().id(), range.from(), range.to())));
            exchange.getResponseHeaders().put(Headers.CONTENT_DISPOSITION, "attachment; filename=\"" + request.site().id() + "-"
                    + range.from().toString().replace(':', '-') + "." + format.extension() + "\"");
            exchange.startBlocking();
            OutputStream out = new BufferedOutputStream(exchange.getOutputStream(), 64 * 1024);
            long rows;
            try {
                ExportFormat.Sink sink = format.open(out);
                rows = rawEvents.export(request.site().id(), range.from(), range.to(), sink);
                sink.close();
            } catch (IOException | RuntimeException e) {
                // Closing the stream would end the chunked body cleanly and make a cut-off export look
                // complete; dropping the connection makes the client see a broken download.
                IoUtils.safeClose(exchange.getConnection());
                throw e;
            }
            out.close();
            return rows;
        }

        private int reject(HttpServerExchange exchange, int status, String reason, String message, Map<String, Object> extra) {
            metrics.rejected(name, reason);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", message);
            body.putAll(extra);
            json(exchange, status, body);
            return status;
        }

        private int error(HttpServerExchange exchange, int status, String message) {
            json(exchange, status, Map.of("error", message));
            return status;
        }
    }

    private static final class Refused extends RuntimeException {
        private final int status;
        private final String reason;

        Refused(int status, String reason, String message) {
            super(message, null, false, false);
            this.status = status;
            this.reason = reason;
        }
    }

    static void json(HttpServerExchange exchange, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise an answer", e);
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(bytes));
    }
}

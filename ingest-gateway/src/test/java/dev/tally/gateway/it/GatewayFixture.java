package dev.tally.gateway.it;

import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.deploy.cluster.TopicReadiness;
import dev.tally.deploy.cluster.CassandraNode;
import dev.tally.deploy.cluster.TestCluster;
import dev.tally.gateway.GatewayApp;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.schemas.Topic;
import dev.tally.schemas.TopicCatalogue;
import dev.tally.schemas.avro.TrackedEvent;
import dev.tally.store.IdentityMode;
import dev.tally.store.SchemaMigrator;
import dev.tally.store.Site;
import dev.tally.store.SiteTable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One ingest gateway on a real broker and the real Cassandra, for the integration tests of this package.
 *
 * <p>In: the broker's bootstrap servers, a Cassandra node and extra gateway settings. The fixture
 * applies the schema to a fresh keyspace with the project's {@link SchemaMigrator}, creates the raw
 * events topic of a fresh namespace and starts {@link GatewayApp} on a free loopback port. Out: site
 * registration, HTTP helpers (the JDK client, and a raw socket for requests it refuses to send), the
 * gateway's metrics, and an {@link EventLog} that reads the {@code TrackedEvent}s back from the topic
 * with the catalogue's Avro serde, keeping the raw key and value bytes.
 */
final class GatewayFixture implements AutoCloseable {
    static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
    static final String PIXEL = "/a.gif";
    static final String EVENTS = "/api/event";
    /** Longer than anything a healthy gateway makes a client wait; tests that expect a quick answer say so. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
    private static final Pattern METRIC_LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String bootstrapServers;
    private final Topic<String, TrackedEvent> topic;
    private final CqlSession session;
    private final SiteTable sites;
    private final GatewayApp gateway;
    private final HttpClient http;
    private final List<EventLog> logs = new ArrayList<>();

    private GatewayFixture(String bootstrapServers, Topic<String, TrackedEvent> topic, CqlSession session, SiteTable sites,
                           GatewayApp gateway) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.session = session;
        this.sites = sites;
        this.gateway = gateway;
        // HTTP/1.1: the JDK client would otherwise try an h2c upgrade the gateway does not speak.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /**
     * Schema, topic and gateway.
     *
     * @param bootstrapServers asked for once the schema is applied, so a broker may still be starting
     *     meanwhile (DDL takes seconds)
     * @param settings gateway settings on top of the fixture's (loopback, free port, the fresh
     *     namespace and keyspace, a 200 ms site refresh)
     */
    static GatewayFixture start(Supplier<String> bootstrapServers, CassandraNode cassandra, Map<String, String> settings) {
        String namespace = TestCluster.uniqueName("gw_");
        String keyspace = TestCluster.uniqueName("gw_");
        Topic<String, TrackedEvent> topic = TopicCatalogue.forNamespace(namespace).rawEvents();
        CqlSession session = cassandra.sessionBuilder().withConfigLoader(TestCluster.testDriverConfig().build()).build();
        try {
            new SchemaMigrator(session, keyspace, REPLICATION).migrate();
            SiteTable sites = new SiteTable(session, keyspace, ConsistencyLevel.ONE);
            String brokers = bootstrapServers.get();
            createTopic(brokers, topic);
            InetSocketAddress cql = cassandra.cqlAddress();
            Map<String, String> config = new HashMap<>(Map.of(
                    "gateway.http.host", "127.0.0.1",
                    "gateway.http.port", "0",
                    "kafka.bootstrap-servers", brokers,
                    "topics.namespace", namespace,
                    "cassandra.contact-points", cql.getHostString() + ":" + cql.getPort(),
                    "cassandra.local-datacenter", cassandra.localDatacenter(),
                    "cassandra.keyspace", keyspace,
                    "cassandra.replication", REPLICATION,
                    "gateway.sites.refresh-interval", "200ms"));
            config.putAll(settings);
            GatewayApp gateway = GatewayApp.start(GatewayConfig.load(config));
            return new GatewayFixture(brokers, topic, session, sites, gateway);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private static void createTopic(String bootstrapServers, Topic<?, ?> topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(topic.toNewTopic((short) 1))).all().get(30, TimeUnit.SECONDS);
            TopicReadiness.awaitLeaders(admin, List.of(topic.name()), Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + topic.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create " + topic.name() + " on " + bootstrapServers, e);
        }
    }

    String url() {
        return gateway.url();
    }

    /** A new site of a unique id allowing {@code hostnames}, which the gateway knows when this returns. */
    Site registerSite(String prefix, IdentityMode mode, String... hostnames) {
        Site site = new Site(TestCluster.uniqueName(prefix), Set.of(hostnames), ZoneOffset.UTC, mode, 30, null);
        sites.save(site);
        gateway.reloadSites();
        return site;
    }

    // ---- HTTP ----

    /** A request to the gateway with a browser's User-Agent; add headers and a method. */
    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(url() + pathAndQuery))
                .header("User-Agent", USER_AGENT)
                .timeout(REQUEST_TIMEOUT);
    }

    HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** As {@link #send(HttpRequest.Builder)}, failing the test when the gateway has not answered within {@code limit}. */
    HttpResponse<byte[]> send(HttpRequest.Builder request, Duration limit) {
        try {
            return send(request.timeout(limit));
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof HttpTimeoutException) {
                throw new AssertionError("The gateway did not answer within " + limit.toSeconds() + " s", e);
            }
            throw e;
        }
    }

    CompletableFuture<HttpResponse<byte[]>> sendAsync(HttpRequest.Builder request) {
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> get(String pathAndQuery) {
        return send(request(pathAndQuery).GET());
    }

    /** {@code GET /a.gif?name=value&...}, names and values URL-encoded; pairs with a null value are left out. */
    static String pixel(String... namesAndValues) {
        return PIXEL + "?" + query(namesAndValues);
    }

    static String query(String... namesAndValues) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] == null) {
                continue;
            }
            query.append(query.length() == 0 ? "" : "&").append(encode(namesAndValues[i])).append('=')
                    .append(encode(namesAndValues[i + 1]));
        }
        return query.toString();
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** {@code POST /api/event} with the body and content type given. */
    HttpRequest.Builder post(String contentType, String body) {
        return request(EVENTS).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    /** A response read from a raw socket: status, headers by lower-case name, body. */
    record RawResponse(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }

    /**
     * {@code GET requestTarget} over a plain socket from {@code localAddress} (any 127.x.y.z on Linux):
     * for a request target the JDK client refuses to send, or another client address.
     */
    RawResponse rawGet(String localAddress, String requestTarget, Map<String, String> headers) {
        URI base = URI.create(url());
        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            StringBuilder request = new StringBuilder("GET ").append(requestTarget).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
                    .append("Connection: close\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code wire} (several HTTP/1.1 requests, the last with {@code Connection: close}) in one
     * go on one connection and returns the {@code expected} responses in order, each framed by its
     * {@code Content-Length}.
     */
    List<RawResponse> rawPipeline(String wire, int expected) {
        URI base = URI.create(url());
        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) Duration.ofSeconds(20).toMillis());
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(wire.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] all = socket.getInputStream().readAllBytes();
            List<RawResponse> responses = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < expected; i++) {
                String text = new String(all, start, all.length - start, StandardCharsets.ISO_8859_1);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd < 0) {
                    throw new IOException("Response " + (i + 1) + " of " + expected + " missing in: " + text);
                }
                RawResponse head = parse(Arrays.copyOfRange(all, start, start + headEnd + 4));
                int length = Integer.parseInt(head.header("Content-Length"));
                int bodyStart = start + headEnd + 4;
                responses.add(new RawResponse(head.status(), head.headers(), Arrays.copyOfRange(all, bodyStart, bodyStart + length)));
                start = bodyStart + length;
            }
            return responses;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RawResponse parse(byte[] response) throws IOException {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            throw new IOException("No complete HTTP response head in: " + text);
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = new byte[response.length - headEnd - 4];
        System.arraycopy(response, headEnd + 4, body, 0, body.length);
        return new RawResponse(status, headers, body);
    }

    // ---- Operations ----

    int readyStatus() {
        return get("/readyz").statusCode();
    }

    /**
     * The value of the Prometheus sample {@code name} whose labels include {@code labels}
     * ({@code name, value, ...}); 0 when there is none yet (counters per status appear on first use).
     */
    double metric(String name, String... labels) {
        String text = new String(get("/metrics").body(), StandardCharsets.UTF_8);
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        double total = 0;
        for (String line : text.split("\n")) {
            Matcher sample = METRIC_LINE.matcher(line);
            if (line.startsWith("#") || !sample.matches() || !sample.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            Matcher label = LABEL.matcher(sample.group(3) == null ? "" : sample.group(3));
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
            if (found.entrySet().containsAll(wanted.entrySet())) {
                total += Double.parseDouble(sample.group(4));
            }
        }
        return total;
    }

    // ---- Kafka ----

    /** One record of the raw events topic: the decoded event and the bytes it was decoded from. */
    record ReadEvent(String key, TrackedEvent event, byte[] keyBytes, byte[] valueBytes, List<Header> headers,
                     int partition, long offset) {
        /** Whether the key, the value or a header holds {@code text} as UTF-8 bytes. */
        boolean bytesContain(String text) {
            byte[] needle = text.getBytes(StandardCharsets.UTF_8);
            if (indexOf(keyBytes, needle) >= 0 || indexOf(valueBytes, needle) >= 0) {
                return true;
            }
            for (Header header : headers) {
                if (indexOf(header.key().getBytes(StandardCharsets.UTF_8), needle) >= 0 || indexOf(header.value(), needle) >= 0) {
                    return true;
                }
            }
            return false;
        }

        private static int indexOf(byte[] haystack, byte[] needle) {
            if (haystack == null) {
                return -1;
            }
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    /** A consumer of the whole topic from its beginning; closed with the fixture. */
    EventLog openEventLog() {
        EventLog log = new EventLog();
        logs.add(log);
        return log;
    }

    /**
     * Reads the raw events topic from the beginning of every partition and keeps every record read.
     * Single-threaded like the consumer it wraps: the waits below poll in the calling thread.
     */
    final class EventLog implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();
        private final List<ReadEvent> read = new ArrayList<>();

        private EventLog() {
            Map<String, Object> config = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        private void pollOnce() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                TrackedEvent event = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                read.add(new ReadEvent(key, event, record.key(), record.value(), List.of(record.headers().toArray()),
                        record.partition(), record.offset()));
            }
        }

        /** Polls until at least {@code count} records read so far match, at most 30 s; returns those. */
        List<ReadEvent> awaitEvents(Predicate<TrackedEvent> matching, int count) {
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        pollOnce();
                        return matchingSoFar(matching).size() >= count;
                    });
            return matchingSoFar(matching);
        }

        /** Reads up to the end offsets of this moment and returns every record read since the log opened. */
        List<ReadEvent> readToEnd() {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        pollOnce();
                        return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
                    });
            return List.copyOf(read);
        }

        List<ReadEvent> matchingSoFar(Predicate<TrackedEvent> matching) {
            return read.stream().filter(r -> matching.test(r.event())).toList();
        }

        @Override
        public void close() {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Stops the gateway (it drains in-flight requests and flushes the producer), then the clients. */
    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            logs.forEach(EventLog::close);
            session.close();
        }
    }

    /** Bytes as text for failure messages. */
    static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}

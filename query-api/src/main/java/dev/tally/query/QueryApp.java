package dev.tally.query;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.common.RunningService;
import dev.tally.common.http.AdminEndpoints;
import dev.tally.common.http.AdminServer;
import dev.tally.common.http.ServiceMetrics;
import dev.tally.query.config.QueryConfig;
import dev.tally.store.CassandraSessions;
import io.undertow.Undertow;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API: reads Cassandra and answers over HTTP. So far it connects and answers the admin
 * endpoints; the aggregate, time-series and breakdown API and the dashboard come next.
 */
public final class QueryApp implements RunningService {
    private static final Logger LOG = LoggerFactory.getLogger(QueryApp.class);

    private final Undertow server;
    private final CqlSession session;
    private final ServiceMetrics metrics;
    private final String url;
    private volatile boolean closed;

    private QueryApp(Undertow server, CqlSession session, ServiceMetrics metrics, String url) {
        this.server = server;
        this.session = session;
        this.metrics = metrics;
        this.url = url;
    }

    public static void main(String[] args) {
        QueryApp app = start(QueryConfig.load(Map.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "query-shutdown"));
    }

    public static QueryApp start(QueryConfig config) {
        ServiceMetrics metrics = new ServiceMetrics("query-api");
        CqlSession session = CassandraSessions.open(config.cassandra(), "tally-query-api");
        AdminEndpoints admin = new AdminEndpoints(List.of(CassandraSessions.readiness(session)), metrics.registry());
        Undertow server = Undertow.builder()
                .addHttpListener(config.httpPort(), config.httpHost())
                .setHandler(admin.handler())
                .build();
        server.start();
        String host = config.httpHost().equals("0.0.0.0") ? "127.0.0.1" : config.httpHost();
        String url = "http://" + host + ":" + AdminServer.boundPort(server);
        LOG.info("Query API listening on {} (keyspace {})", url, config.cassandra().keyspace());
        return new QueryApp(server, session, metrics, url);
    }

    @Override
    public String name() {
        return "query-api";
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("http", url);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop();
        session.close();
        metrics.close();
        LOG.info("Query API stopped");
    }
}

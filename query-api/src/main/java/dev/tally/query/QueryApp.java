package dev.tally.query;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.tally.common.RunningService;
import dev.tally.common.http.AdminEndpoints;
import dev.tally.common.http.AdminServer;
import dev.tally.common.http.ServiceMetrics;
import dev.tally.query.answer.QueryService;
import dev.tally.query.cassandra.CachedSites;
import dev.tally.query.cassandra.CassandraRawEvents;
import dev.tally.query.cassandra.CassandraRollupStore;
import dev.tally.query.compose.Horizon;
import dev.tally.query.config.QueryConfig;
import dev.tally.query.http.QueryRoutes;
import dev.tally.store.CassandraConfig;
import dev.tally.store.CassandraSessions;
import dev.tally.store.SiteTable;
import dev.tally.store.Stripes;
import io.undertow.Undertow;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API: reads the rollup tables ({@code rollup_minutes}, {@code rollup_hours}, {@code rollup_days}), the raw
 * events and the site registry from Cassandra, and answers the JSON API under {@code /api/v1} and the
 * dashboard at {@code /} on one HTTP port, with {@code /healthz}, {@code /readyz} and {@code /metrics}.
 * It never writes.
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
        return start(config, Clock.systemUTC());
    }

    /** Starts with a given clock: tests pin "now" for realtime and today. */
    public static QueryApp start(QueryConfig config, Clock clock) {
        ServiceMetrics metrics = new ServiceMetrics("query-api");
        CassandraConfig cassandra = config.cassandra();
        CqlSession session = CassandraSessions.open(cassandra, "tally-query-api");
        try {
            SiteTable siteTable = new SiteTable(session, cassandra.keyspace(), cassandra.consistency());
            CachedSites sites = new CachedSites(siteTable, config.siteRefresh(), clock);
            QueryService service = new QueryService(new CassandraRollupStore(session, cassandra.keyspace(), cassandra.consistency(),
                    config.maxReadsInFlight()), () -> Horizon.at(clock.instant(), config.settleTime()));
            // Read per export (one small table): a site given more stripes is exported whole at once.
            CassandraRawEvents rawEvents = new CassandraRawEvents(session, cassandra.keyspace(),
                    site -> Stripes.perSite(cassandra.rawStripes(), siteTable.rawStripes()).apply(site),
                    cassandra.consistency());
            AdminEndpoints admin = new AdminEndpoints(List.of(CassandraSessions.readiness(session), sites), metrics.registry());
            Undertow server = Undertow.builder()
                    .addHttpListener(config.httpPort(), config.httpHost())
                    .setHandler(QueryRoutes.build(service, rawEvents, sites, clock, metrics.registry(), admin, config.corsOrigins()))
                    .build();
            server.start();
            String host = config.httpHost().equals("0.0.0.0") ? "127.0.0.1" : config.httpHost();
            String url = "http://" + host + ":" + AdminServer.boundPort(server);
            LOG.info("Query API and dashboard on {} (keyspace {})", url, cassandra.keyspace());
            return new QueryApp(server, session, metrics, url);
        } catch (RuntimeException e) {
            session.close();
            metrics.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "query-api";
    }

    @Override
    public Map<String, String> endpoints() {
        return Map.of("http", url, "dashboard", url + "/");
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        return url;
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

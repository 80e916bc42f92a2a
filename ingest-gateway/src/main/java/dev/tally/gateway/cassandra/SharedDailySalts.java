package dev.tally.gateway.cassandra;

import dev.tally.common.http.Readiness;
import dev.tally.common.http.ReadinessCheck;
import dev.tally.gateway.ingest.DailySalts;
import dev.tally.store.SaltTable;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily salts agreed through Cassandra ({@link SaltTable}): every gateway proposes a random salt and
 * all keep the first one stored. The row expires an hour after its day ends; in memory a salt is
 * dropped as soon as its day is over. Tomorrow's salt is agreed ten minutes before midnight, so the
 * day change never waits on Cassandra.
 *
 * <p>Only the background thread talks to Cassandra; {@link #saltFor} reads memory. A request that finds
 * no salt (Cassandra was down at start-up or before midnight) is refused and asks for an agreement
 * attempt now instead of at the next 30-second tick.
 */
public final class SharedDailySalts implements DailySalts, ReadinessCheck, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedDailySalts.class);
    private static final Duration KEPT_AFTER_DAY = Duration.ofHours(1);
    private static final Duration PREPARE_BEFORE_MIDNIGHT = Duration.ofMinutes(10);

    private final Agreement table;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<LocalDate, byte[]> salts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService maintenance;
    private final AtomicBoolean retryQueued = new AtomicBoolean();

    /** How gateways agree on a day's salt: {@link SaltTable#agree}, first proposal stored wins. */
    @FunctionalInterface
    public interface Agreement {
        byte[] agree(LocalDate day, byte[] candidate, Duration timeToLive);
    }

    public SharedDailySalts(Agreement table, Clock clock) {
        this.table = table;
        this.clock = clock;
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "salt-rotation");
            thread.setDaemon(true);
            return thread;
        });
        maintenance.scheduleWithFixedDelay(this::rotate, 0, 30, TimeUnit.SECONDS);
    }

    @Override
    public byte[] saltFor(LocalDate day) {
        byte[] salt = salts.get(day);
        if (salt == null) {
            if (retryQueued.compareAndSet(false, true)) {
                maintenance.execute(() -> {
                    retryQueued.set(false);
                    rotate();
                });
            }
            throw new SaltUnavailableException(day);
        }
        return salt;
    }

    /** Drops finished days from memory and agrees on tomorrow's salt shortly before midnight. */
    void rotate() {
        try {
            Instant now = clock.instant();
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            salts.keySet().removeIf(day -> day.isBefore(today));
            salts.computeIfAbsent(today, this::agree);
            Instant midnight = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (Duration.between(now, midnight).compareTo(PREPARE_BEFORE_MIDNIGHT) <= 0) {
                salts.computeIfAbsent(today.plusDays(1), this::agree);
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot agree on the daily visitor salt through Cassandra ({}); cookieless events will be answered 503 until it can.", e.toString());
        }
    }

    private byte[] agree(LocalDate day) {
        byte[] candidate = new byte[32];
        random.nextBytes(candidate);
        Instant expires = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(KEPT_AFTER_DAY);
        Duration ttl = Duration.between(clock.instant(), expires);
        return table.agree(day, candidate, ttl.isNegative() ? Duration.ofSeconds(1) : ttl);
    }

    @Override
    public String name() {
        return "visitor-salt";
    }

    @Override
    public Readiness check() {
        return salts.containsKey(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))
                ? Readiness.ok("today's salt agreed")
                : Readiness.notReady("today's visitor salt not agreed yet; check Cassandra");
    }

    @Override
    public void close() {
        maintenance.shutdownNow();
    }
}

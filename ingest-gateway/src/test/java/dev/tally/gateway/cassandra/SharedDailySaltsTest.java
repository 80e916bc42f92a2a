package dev.tally.gateway.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tally.gateway.ingest.DailySalts.SaltUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedDailySaltsTest {
    private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");
    private static final LocalDate TODAY = LocalDate.parse("2026-11-22");

    @Test
    void a_request_never_waits_for_cassandra_it_is_refused_until_the_salt_is_agreed() throws Exception {
        CountDownLatch cassandraAnswers = new CountDownLatch(1);
        byte[] stored = new byte[32];
        stored[0] = 42;
        SharedDailySalts.Agreement slowCassandra = (day, candidate, ttl) -> {
            try {
                cassandraAnswers.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return stored;
        };
        try (SharedDailySalts salts = new SharedDailySalts(slowCassandra, Clock.fixed(NOON, ZoneOffset.UTC))) {
            assertThatThrownBy(() -> salts.saltFor(TODAY)).isInstanceOf(SaltUnavailableException.class);
            assertThat(salts.check().ready()).isFalse();

            cassandraAnswers.countDown();

            await().atMost(Duration.ofSeconds(10)).ignoreException(SaltUnavailableException.class)
                    .untilAsserted(() -> assertThat(salts.saltFor(TODAY)).isEqualTo(stored));
            assertThat(salts.check().ready()).isTrue();
        }
    }

    @Test
    void a_failed_agreement_is_retried_as_soon_as_a_request_needs_the_salt() {
        AtomicInteger attempts = new AtomicInteger();
        byte[] stored = new byte[32];
        SharedDailySalts.Agreement flakyCassandra = (day, candidate, ttl) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("no host available");
            }
            return stored;
        };
        try (SharedDailySalts salts = new SharedDailySalts(flakyCassandra, Clock.fixed(NOON, ZoneOffset.UTC))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() >= 1);
            // The next scheduled attempt is 30 s away; a request asks for one now.
            await().atMost(Duration.ofSeconds(10)).ignoreException(SaltUnavailableException.class)
                    .untilAsserted(() -> assertThat(salts.saltFor(TODAY)).isSameAs(stored));
            assertThat(attempts.get()).isBetween(2, 3);
        }
    }
}

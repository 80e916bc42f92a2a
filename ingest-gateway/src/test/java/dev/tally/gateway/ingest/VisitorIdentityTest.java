package dev.tally.gateway.ingest;

import static dev.tally.gateway.ingest.Fixtures.USER_AGENT;
import static dev.tally.gateway.ingest.Fixtures.VISITOR_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class VisitorIdentityTest {
    private static final String SITE = "example.com";
    private static final Instant MORNING = Instant.parse("2026-11-22T08:00:00Z");
    private static final LocalDate DAY = LocalDate.parse("2026-11-22");

    private final Fixtures.CountingSalts salts = new Fixtures.CountingSalts();
    private final VisitorIdentity identity = new VisitorIdentity(salts);

    @Test
    void the_same_visitor_on_the_same_utc_day_gets_the_same_id() {
        String first = identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, Instant.parse("2026-11-22T00:00:00Z"));

        assertThat(identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING)).isEqualTo(first);
        assertThat(identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, Instant.parse("2026-11-22T23:59:59.999Z"))).isEqualTo(first);
    }

    @Test
    void ids_differ_by_site_ip_and_user_agent() {
        String base = identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING);

        assertThat(Set.of(base,
                identity.cookielessId("other.example", VISITOR_IP, USER_AGENT, MORNING),
                identity.cookielessId(SITE, "203.0.113.8", USER_AGENT, MORNING),
                identity.cookielessId(SITE, "2001:db8::7", USER_AGENT, MORNING),
                identity.cookielessId(SITE, VISITOR_IP, "curl/8.5.0", MORNING),
                identity.cookielessId(SITE, VISITOR_IP, null, MORNING))).hasSize(6);
    }

    @Test
    void fields_are_separated_so_shifting_characters_between_them_changes_the_id() {
        assertThat(identity.cookielessId("ab", "1.2.3.4", "x", MORNING))
                .isNotEqualTo(identity.cookielessId("a", "b1.2.3.4", "x", MORNING));
        assertThat(identity.cookielessId("a", "1.2.3.4", "5x", MORNING))
                .isNotEqualTo(identity.cookielessId("a", "1.2.3.45", "x", MORNING));
    }

    @Test
    void a_missing_user_agent_counts_as_an_empty_one() {
        assertThat(identity.cookielessId(SITE, VISITOR_IP, null, MORNING))
                .isEqualTo(identity.cookielessId(SITE, VISITOR_IP, "", MORNING));
    }

    @Test
    void the_salt_rotates_at_utc_midnight() {
        String lastMillisecond = identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, Instant.parse("2026-11-22T23:59:59.999Z"));
        assertThat(salts.daysAsked()).containsExactly(DAY);

        String firstMillisecond = identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, Instant.parse("2026-11-23T00:00:00.000Z"));

        assertThat(firstMillisecond).isNotEqualTo(lastMillisecond);
        assertThat(salts.daysAsked()).containsExactly(DAY, DAY.plusDays(1));
    }

    @Test
    void the_day_is_utc_not_the_gateway_time_zone() {
        // 23:30 in New York on the 22nd is already the 23rd in UTC.
        Instant lateEveningInNewYork = Instant.parse("2026-11-23T04:30:00Z");
        identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, lateEveningInNewYork);

        assertThat(salts.daysAsked()).containsExactly(DAY.plusDays(1));
    }

    @Test
    void asks_for_the_salt_once_per_day_not_per_event() {
        for (int i = 0; i < 100; i++) {
            identity.cookielessId(SITE, "198.51.100." + i, USER_AGENT, MORNING.plusSeconds(i * 60L));
        }

        assertThat(salts.calls(DAY)).isEqualTo(1);
    }

    @Test
    void an_event_from_the_previous_day_after_midnight_uses_that_days_salt_again() {
        Instant beforeMidnight = Instant.parse("2026-11-22T23:59:59.999Z");
        String before = identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, beforeMidnight);
        identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, Instant.parse("2026-11-23T00:00:00Z"));

        assertThat(identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, beforeMidnight)).isEqualTo(before);
    }

    @Test
    void gateways_sharing_the_salt_store_agree_on_the_id() throws Exception {
        VisitorIdentity otherGateway = new VisitorIdentity(salts);
        String here = identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING);

        assertThat(otherGateway.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING.plusSeconds(3_600))).isEqualTo(here);
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try {
            assertThat(worker.submit(() -> otherGateway.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING)).get(5, TimeUnit.SECONDS))
                    .as("computed on another worker thread").isEqualTo(here);
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void gateways_with_different_salts_do_not_agree() {
        VisitorIdentity unrelated = new VisitorIdentity(new Fixtures.CountingSalts());

        assertThat(unrelated.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING))
                .isNotEqualTo(identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING));
    }

    @Test
    void the_id_is_32_lower_case_hex_characters_and_does_not_contain_the_ip() {
        for (String ip : new String[] {VISITOR_IP, "2001:db8::7"}) {
            String id = identity.cookielessId(SITE, ip, USER_AGENT, MORNING);

            assertThat(id).matches("[0-9a-f]{32}").doesNotContain(ip);
        }
    }

    @Test
    void the_id_is_hmac_sha256_of_site_ip_and_user_agent_under_the_days_salt_truncated_to_128_bits() throws Exception {
        // Pinned because a change of the derivation during a day splits every visitor in two at deploy time.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salts.saltFor(DAY), "HmacSHA256"));
        byte[] expected = mac.doFinal((SITE + "\0" + VISITOR_IP + "\0" + USER_AGENT).getBytes(StandardCharsets.UTF_8));

        assertThat(identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING)).isEqualTo(HexFormat.of().formatHex(expected, 0, 16));
    }

    @Test
    void a_missing_address_hashes_as_empty_and_leaves_nothing_behind_for_the_next_id() {
        // Each id starts from a reset Mac: what one call fed must never leak into the next.
        String expected = new VisitorIdentity(salts).cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING);
        String withoutAddress = identity.cookielessId(SITE, null, USER_AGENT, MORNING);

        assertThat(withoutAddress).isEqualTo(new VisitorIdentity(salts).cookielessId(SITE, "", USER_AGENT, MORNING));
        assertThat(identity.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING)).isEqualTo(expected);
    }

    @Test
    void accepts_only_cookie_ids_the_gateway_could_have_issued() {
        assertThat(VisitorIdentity.isValidCookieId("0123456789abcdef0123456789abcdef")).isTrue();
        assertThat(VisitorIdentity.isValidCookieId(null)).isFalse();
        assertThat(VisitorIdentity.isValidCookieId("")).isFalse();
        assertThat(VisitorIdentity.isValidCookieId("0123456789ABCDEF0123456789ABCDEF")).isFalse();
        assertThat(VisitorIdentity.isValidCookieId("0123456789abcdef0123456789abcde")).isFalse();
        assertThat(VisitorIdentity.isValidCookieId("0123456789abcdef0123456789abcdef0")).isFalse();
        assertThat(VisitorIdentity.isValidCookieId("0123456789abcdef0123456789abcdeg")).isFalse();
        assertThat(VisitorIdentity.isValidCookieId("0123456789abcdef0123456789abcdef\n")).isFalse();
        assertThat(VisitorIdentity.isValidCookieId("01234567-89ab-cdef-0123-456789abcdef")).isFalse();
    }

    @Test
    void new_cookie_ids_are_valid_and_unique() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = VisitorIdentity.newCookieId();

            assertThat(VisitorIdentity.isValidCookieId(id)).as(id).isTrue();
            ids.add(id);
        }

        assertThat(ids).hasSize(1_000);
    }

    @Test
    void a_salt_store_failure_reaches_the_caller() {
        VisitorIdentity failing = new VisitorIdentity(day -> {
            throw new IllegalStateException("salt store unavailable");
        });

        assertThatThrownBy(() -> failing.cookielessId(SITE, VISITOR_IP, USER_AGENT, MORNING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("salt store unavailable");
    }
}

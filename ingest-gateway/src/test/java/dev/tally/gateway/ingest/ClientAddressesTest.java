package dev.tally.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressesTest {
    private static final String PROXY = "10.0.0.5";
    private static final String VISITOR = "198.51.100.7";

    private final ClientAddresses behindProxy = new ClientAddresses(List.of("10.0.0.0/8"));

    @Test
    void without_trusted_proxies_the_peer_is_the_visitor_whatever_the_headers_say() {
        ClientAddresses direct = new ClientAddresses(List.of());

        assertThat(direct.resolve(VISITOR, "1.1.1.1", "2.2.2.2")).isEqualTo(VISITOR);
        assertThat(direct.resolve(PROXY, "1.1.1.1", "2.2.2.2")).isEqualTo(PROXY);
    }

    @Test
    void a_trusted_peer_forwards_the_visitor_in_x_forwarded_for() {
        assertThat(behindProxy.resolve(PROXY, VISITOR, null)).isEqualTo(VISITOR);
    }

    @Test
    void takes_the_right_most_address_that_is_not_a_trusted_proxy() {
        assertThat(behindProxy.resolve(PROXY, VISITOR + ", 10.0.0.3, 10.1.2.3", null)).isEqualTo(VISITOR);
    }

    @Test
    void ignores_what_the_client_wrote_left_of_the_first_untrusted_hop() {
        // The visitor sent "X-Forwarded-For: 1.1.1.1, 10.9.9.9" itself; our proxy appended the real address.
        assertThat(behindProxy.resolve(PROXY, "1.1.1.1, 10.9.9.9, " + VISITOR, null)).isEqualTo(VISITOR);
        assertThat(behindProxy.resolve(PROXY, "1.1.1.1," + VISITOR + ",10.0.0.3", null)).isEqualTo(VISITOR);
    }

    @Test
    void an_untrusted_peer_cannot_claim_another_address() {
        assertThat(behindProxy.resolve(VISITOR, "1.1.1.1", "2.2.2.2")).isEqualTo(VISITOR);
    }

    @Test
    void falls_back_to_x_real_ip_without_a_usable_forwarded_for() {
        assertThat(behindProxy.resolve(PROXY, null, VISITOR)).isEqualTo(VISITOR);
        assertThat(behindProxy.resolve(PROXY, "10.0.0.3, 10.0.0.4", " " + VISITOR + " ")).isEqualTo(VISITOR);
        assertThat(behindProxy.resolve(PROXY, "unknown", VISITOR)).isEqualTo(VISITOR);
    }

    @Test
    void x_forwarded_for_wins_over_x_real_ip() {
        assertThat(behindProxy.resolve(PROXY, VISITOR, "192.0.2.1")).isEqualTo(VISITOR);
    }

    @Test
    void falls_back_to_the_peer_when_no_header_names_an_untrusted_address() {
        assertThat(behindProxy.resolve(PROXY, null, null)).isEqualTo(PROXY);
        assertThat(behindProxy.resolve(PROXY, "10.0.0.3", "not-an-ip")).isEqualTo(PROXY);
        assertThat(behindProxy.resolve(PROXY, "", "")).isEqualTo(PROXY);
    }

    @Test
    void skips_garbage_entries() {
        String forwardedFor = VISITOR + ", unknown, _hidden, 1.2.3, 1.2.3.4.5, 198.51.100.8:443, [2001:db8::1], fe80::1%eth0, ::g, , ";

        assertThat(behindProxy.resolve(PROXY, forwardedFor, null)).isEqualTo(VISITOR);
    }

    @Test
    void skips_host_names() {
        assertThat(behindProxy.resolve(PROXY, VISITOR + ", localhost, proxy.internal.example, cafe, dead.beef", null))
                .isEqualTo(VISITOR);
    }

    @Test
    void accepts_ipv6_visitors() {
        assertThat(behindProxy.resolve(PROXY, "2001:db8::42", null)).isEqualTo("2001:db8::42");
    }

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0/8,      10.255.255.255, true",
            "10.0.0.0/8,      11.0.0.1,       false",
            "172.16.0.0/12,   172.31.255.255, true",
            "172.16.0.0/12,   172.32.0.1,     false",
            "192.0.2.1/32,    192.0.2.1,      true",
            "192.0.2.1/32,    192.0.2.2,      false",
            "192.0.2.1,       192.0.2.1,      true",
            "192.0.2.1,       192.0.2.2,      false",
            "0.0.0.0/0,       203.0.113.200,  true",
            "0.0.0.0/0,       2001:db8::1,    false",
            "::1/128,         ::1,            true",
            "::1/128,         ::2,            false",
            "::1/128,         127.0.0.1,      false",
            "2001:db8::/32,   2001:db8:ffff::1, true",
            "2001:db8::/32,   2001:db9::1,    false",
            "' 10.0.0.0/8 ',  10.1.1.1,       true"})
    void trusts_a_peer_exactly_when_a_block_contains_it(String block, String peer, boolean trusted) {
        // A visitor outside every block tested here (0.0.0.0/0 covers all of IPv4).
        String visitor = "2a00:1450::7";
        ClientAddresses addresses = new ClientAddresses(List.of(block));

        assertThat(addresses.resolve(peer, visitor, null)).isEqualTo(trusted ? visitor : peer);
    }

    @Test
    void any_of_several_blocks_makes_a_peer_trusted() {
        ClientAddresses addresses = new ClientAddresses(List.of("192.0.2.0/24", "::1/128"));

        assertThat(addresses.resolve("::1", VISITOR, null)).isEqualTo(VISITOR);
        assertThat(addresses.resolve("192.0.2.9", VISITOR, null)).isEqualTo(VISITOR);
        assertThat(addresses.resolve("192.0.3.9", VISITOR, null)).isEqualTo("192.0.3.9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/x", "10.0.0.0/", "/8", "proxy.internal",
            "localhost", "10.0.0/8", "", "10.0.0.0 /8"})
    void rejects_a_bad_trusted_proxy_block_at_start_up(String block) {
        assertThatThrownBy(() -> new ClientAddresses(List.of(block)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + block + "'");
    }

    @Test
    void never_resolves_forwarded_entries_through_dns() {
        // Entries that only look like addresses must be refused by the parser, not handed to the resolver:
        // a client could otherwise make the gateway issue a blocking DNS query per request.
        List<String> entries = List.of("localhost", "example.com", "cafe", "dead.beef", "999.1.1.1", "256.0.0.1", ".::1", "..:");
        List<String> lookedUp = new ArrayList<>();
        for (String entry : entries) {
            lookedUp.addAll(hostLookups(() -> behindProxy.resolve(PROXY, entry, null)));
            lookedUp.addAll(hostLookups(() -> behindProxy.resolve(PROXY, null, entry)));
        }

        assertThat(lookedUp).isEmpty();
    }

    /**
     * The host names the JDK is asked to look up while {@code action} runs. InetAddress consults a
     * SecurityManager's {@code checkConnect(host, -1)} before every name lookup and never for literals;
     * the recorder refuses the lookup, so no query leaves the machine.
     */
    @SuppressWarnings("removal")
    private static List<String> hostLookups(Runnable action) {
        List<String> hosts = Collections.synchronizedList(new ArrayList<>());
        SecurityManager recorder = new SecurityManager() {
            @Override
            public void checkConnect(String host, int port) {
                if (port == -1) {
                    hosts.add(host);
                    throw new SecurityException("no DNS in tests");
                }
            }

            @Override
            public void checkPermission(Permission permission) {}

            @Override
            public void checkPermission(Permission permission, Object context) {}
        };
        try {
            System.setSecurityManager(recorder);
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("this JVM disallows a SecurityManager (java.security.manager=disallow)");
        }
        try {
            action.run();
        } catch (SecurityException refusedLookup) {
            // recorded above
        } finally {
            System.setSecurityManager(null);
        }
        return List.copyOf(hosts);
    }
}

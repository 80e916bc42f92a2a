package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void hands_out_distinct_bindable_ports_below_the_ephemeral_range() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ports.add(FreePorts.next());
        }

        assertThat(ports).hasSize(50).allMatch(port -> port >= 20_000 && port < 32_768)
                .allMatch(port -> FreePorts.isFree("127.0.0.1", port));
    }

    @Test
    void a_taken_port_fails_with_a_message_naming_it() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();

            assertThat(FreePorts.isFree("127.0.0.1", port)).isFalse();
            assertThat(FreePorts.accepts("127.0.0.1", port)).isTrue();
            assertThatThrownBy(() -> FreePorts.requireFree("Kafka broker", "127.0.0.1",
                    List.of(new FreePorts.NamedPort("Kafka port", port))))
                    .isInstanceOf(ServerStartException.class)
                    .hasMessageContaining("127.0.0.1:" + port + " (Kafka port) is already in use");
        }
    }
}

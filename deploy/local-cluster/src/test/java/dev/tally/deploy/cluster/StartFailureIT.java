package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server that cannot start is reported at once, with where to look, and nothing is left running. */
class StartFailureIT {

    @TempDir
    Path dir;

    @Test
    void a_taken_port_is_reported_before_anything_starts() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", FreePorts.next()));
            KafkaSettings settings = new KafkaSettings(dir.resolve("kafka"), "127.0.0.1", taken.getLocalPort(),
                    FreePorts.next(), "1g");

            assertThatThrownBy(() -> KafkaNode.start(settings, Duration.ofMinutes(2)))
                    .isInstanceOf(ServerStartException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort() + " (Kafka port) is already in use");
        }
        assertThat(processesMentioning(dir)).isEmpty();
    }

    @Test
    void a_broker_that_exits_during_start_up_fails_fast_naming_its_output_file() throws IOException {
        KafkaSettings settings = KafkaSettings.onFreePorts(dir.resolve("kafka"));
        writeMismatchedMetaProperties(settings);
        long started = System.nanoTime();

        assertThatThrownBy(() -> KafkaNode.start(settings, Duration.ofMinutes(2)))
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("The Kafka broker exited with code")
                .hasMessageContaining("Last lines of " + settings.dataDir().resolve("logs").resolve("kafka.out"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
        assertThat(processesMentioning(dir)).isEmpty();
    }

    @Test
    void when_one_server_fails_the_other_is_stopped_and_the_operator_told_what_to_do() throws IOException {
        LocalClusterSettings settings = LocalClusterSettings.onFreePorts(dir);
        writeMismatchedMetaProperties(settings.kafka());

        assertThatThrownBy(() -> LocalCluster.start(settings))
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("Could not start the local cluster")
                .hasMessageContaining("Kafka: The Kafka broker exited with code")
                .hasMessageNotContaining("Cassandra: ")
                .hasMessageContaining("What to do")
                .satisfies(e -> assertThat(((ServerStartException) e).logFiles())
                        .contains(settings.kafka().dataDir().resolve("logs").resolve("kafka.out")));

        assertThat(processesMentioning(dir)).isEmpty();
    }

    /** The data directory of a node 2; the configuration says node 1, so the broker refuses to start. */
    private static void writeMismatchedMetaProperties(KafkaSettings settings) throws IOException {
        Path data = Files.createDirectories(settings.dataDir().resolve("data"));
        Files.writeString(data.resolve("meta.properties"),
                "version=1\ncluster.id=MsejWAuEQleymx_7-mg3NQ\nnode.id=2\ndirectory.id=0Khl8xxRQeG0W_8S5xN2Bw\n",
                StandardCharsets.UTF_8);
    }

    private static List<ProcessHandle> processesMentioning(Path dir) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().map(line -> line.contains(dir.toString())).orElse(false))
                .toList();
    }
}

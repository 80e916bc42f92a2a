package dev.tally.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointsFileTest {
    @TempDir
    Path dataDir;

    @Test
    void what_a_stack_writes_a_command_reads_back() throws IOException {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("ingest-gateway.http", "http://127.0.0.1:8080");
        endpoints.put("query-api.http", "http://127.0.0.1:8081");
        endpoints.put("data-dir", "/tmp/it's \"here\"\\now");
        EndpointsFile.write(dataDir, endpoints);

        assertThat(EndpointsFile.read(dataDir)).containsExactlyEntriesOf(endpoints);
    }

    @Test
    void without_a_running_stack_there_is_nothing_to_read() {
        assertThatThrownBy(() -> EndpointsFile.read(dataDir)).isInstanceOf(IOException.class);
    }
}

package dev.tally.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourceTest {
    private static final String DEFAULTS = "test-defaults.properties";

    @Test
    void reads_typed_defaults() {
        ConfigSource config = ConfigSource.load(DEFAULTS, Map.of(), Map.of());

        assertThat(config.port("svc.port")).isEqualTo(8080);
        assertThat(config.string("svc.name")).isEqualTo("tally");
        assertThat(config.bool("svc.enabled")).isTrue();
        assertThat(config.duration("svc.timeout")).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.list("svc.hosts")).containsExactly("a", "b", "c");
    }

    @Test
    void file_then_environment_then_overrides_win_in_that_order(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tally.properties");
        Files.writeString(file, "svc.port=9000\nsvc.name=from-file\nsvc.timeout=2s\n");
        Map<String, String> env = Map.of(ConfigSource.CONFIG_FILE_ENV, file.toString(), "TALLY_SVC_NAME", "from-env", "TALLY_SVC_TIMEOUT", "250ms");

        ConfigSource config = ConfigSource.load(DEFAULTS, env, Map.of("svc.timeout", "PT3S"));

        assertThat(config.port("svc.port")).isEqualTo(9000);
        assertThat(config.string("svc.name")).isEqualTo("from-env");
        assertThat(config.duration("svc.timeout")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void a_bad_value_names_the_key_the_value_and_its_origin() {
        ConfigSource config = ConfigSource.load(DEFAULTS, Map.of("TALLY_SVC_PORT", "eighty"), Map.of());

        assertThatThrownBy(() -> config.port("svc.port"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'svc.port'")
                .hasMessageContaining("'eighty'")
                .hasMessageContaining("TALLY_SVC_PORT");
    }

    @Test
    void out_of_range_and_missing_keys_are_rejected() {
        ConfigSource config = ConfigSource.of(Map.of("svc.port", "70000", "svc.timeout", "soon"));

        assertThatThrownBy(() -> config.port("svc.port")).hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> config.duration("svc.timeout")).hasMessageContaining("duration");
        assertThatThrownBy(() -> config.string("svc.absent")).hasMessageContaining("TALLY_SVC_ABSENT");
    }

    @Test
    void environment_names_follow_the_key() {
        assertThat(ConfigSource.envName("kafka.bootstrap-servers")).isEqualTo("TALLY_KAFKA_BOOTSTRAP_SERVERS");
    }
}

package dev.tally.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Names only: nothing here starts the shared cluster. */
class TestClusterNamesTest {

    @Test
    void unique_names_are_valid_topic_and_keyspace_names() {
        String name = TestCluster.uniqueName("it_");

        assertThat(name).startsWith("it_").matches("[a-z][a-z0-9_]{0,39}");
    }

    @Test
    void unique_names_do_not_repeat() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            names.add(TestCluster.uniqueName("it_"));
        }

        assertThat(names).hasSize(10_000);
    }

    @Test
    void the_longest_allowed_prefix_stays_within_40_characters() {
        String prefix = "a".repeat(28);

        assertThat(TestCluster.uniqueName(prefix)).hasSize(40);
        assertThatThrownBy(() -> TestCluster.uniqueName(prefix + "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejects_prefixes_that_are_not_valid_names() {
        for (String bad : new String[] {"", "It_", "1abc", "with-dash", "dots.here"}) {
            assertThatThrownBy(() -> TestCluster.uniqueName(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}

package dev.tally.aggregator.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReferrerClassifierTest {
    @Test
    void the_longest_matching_entry_wins_and_wildcards_match_one_label() {
        ReferrerClassifier list = ReferrerClassifier.parse("""
                search google.*
                email mail.google.com
                social example.org
                """);

        assertThat(list.channelOf("google.de")).isEqualTo("search");
        assertThat(list.channelOf("news.google.de")).isEqualTo("search");
        assertThat(list.channelOf("mail.google.com")).isEqualTo("email");
        assertThat(list.channelOf("sub.example.org")).isEqualTo("social");
        assertThat(list.channelOf("notexample.org")).isNull();
        assertThat(list.channelOf("google")).isNull();
    }

    @Test
    void rejects_a_line_with_an_unknown_channel_naming_the_line() {
        assertThatThrownBy(() -> ReferrerClassifier.parse("# list\nfriends example.org\n"))
                .hasMessageContaining("line 2");
    }

    @Test
    void the_bundled_list_loads() {
        assertThat(ReferrerClassifier.bundled().channelOf("www.bing.com")).isEqualTo("search");
    }
}

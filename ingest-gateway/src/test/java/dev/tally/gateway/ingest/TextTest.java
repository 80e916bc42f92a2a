package dev.tally.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {
    private static final String GRIN = "\uD83D\uDE00"; // 😀, one code point, two chars

    @Test
    void strips_c0_controls_del_and_c1_controls() {
        assertThat(Text.clean("a\u0000b\tc\nd\re\u001Bf\u007Fg\u0080h\u0085i\u009Fj")).isEqualTo("abcdefghij");
    }

    @Test
    void keeps_printable_text_including_non_ascii_and_the_characters_around_the_control_ranges() {
        String text = "Grüße, 東京 " + GRIN + " \u00A0\u00A9 ~ ";

        assertThat(Text.clean(text)).isEqualTo(text);
    }

    @Test
    void returns_the_same_instance_when_there_is_nothing_to_strip() {
        String text = "Pricing " + GRIN;

        assertThat(Text.clean(text)).isSameAs(text);
    }

    @Test
    void strips_unpaired_surrogates_and_keeps_pairs() {
        String loneHigh = "\uD83D";
        String loneLow = "\uDE00";

        assertThat(Text.clean("a" + loneHigh + "b")).isEqualTo("ab");
        assertThat(Text.clean("a" + loneLow + "b")).isEqualTo("ab");
        assertThat(Text.clean("a" + loneHigh)).isEqualTo("a");
        assertThat(Text.clean(loneLow + "a")).isEqualTo("a");
        assertThat(Text.clean(loneLow + loneHigh)).isEmpty();
        assertThat(Text.clean(loneHigh + GRIN + loneLow)).isEqualTo(GRIN);
    }

    @Test
    void removing_a_control_character_never_glues_two_halves_into_a_pair() {
        assertThat(Text.clean("\uD83D\u0001\uDE00")).isEmpty();
    }

    @Test
    void clean_of_null_is_null() {
        assertThat(Text.clean(null)).isNull();
    }

    @Test
    void blank_is_null() {
        assertThat(Text.emptyToNull(null)).isNull();
        assertThat(Text.emptyToNull("")).isNull();
        assertThat(Text.emptyToNull(" \t ")).isNull();
        assertThat(Text.emptyToNull(" a ")).isEqualTo(" a ");
    }

    @Test
    void truncate_cuts_to_the_limit() {
        assertThat(Text.truncate("abcdef", 4)).isEqualTo("abcd");
        assertThat(Text.truncate("abcd", 4)).isEqualTo("abcd");
        assertThat(Text.truncate("ab", 4)).isEqualTo("ab");
        assertThat(Text.truncate(null, 4)).isNull();
    }

    @Test
    void truncate_never_splits_a_surrogate_pair() {
        // "abc😀": the pair occupies chars 3 and 4; a cut at 4 would leave a lone high surrogate.
        String text = "abc" + GRIN + "d";

        assertThat(Text.truncate(text, 4)).isEqualTo("abc");
        assertThat(Text.truncate(text, 5)).isEqualTo("abc" + GRIN);
        assertThat(Text.truncate(text, 3)).isEqualTo("abc");
    }

    @Test
    void truncating_a_run_of_emoji_always_yields_whole_code_points() {
        String emoji = GRIN.repeat(10);
        for (int limit = 1; limit < emoji.length(); limit++) {
            String cut = Text.truncate(emoji, limit);

            assertThat(cut.length()).isLessThanOrEqualTo(limit);
            assertThat(Text.clean(cut)).as("cut at %d", limit).isEqualTo(cut);
            assertThat(cut.codePointCount(0, cut.length())).isEqualTo(limit / 2);
        }
    }
}

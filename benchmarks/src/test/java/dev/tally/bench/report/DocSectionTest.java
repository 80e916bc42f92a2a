package dev.tally.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DocSectionTest {
    private static final String HEADING = "Ingest gateway: pixel throughput";
    private static final String ID = "bench/gateway.sh";

    @Test
    void replaces_only_the_generated_block_and_keeps_the_prose_around_it() {
        String doc = """
                # Benchmarks

                ## Ingest gateway: pixel throughput

                Why and how.

                <!-- bench/gateway.sh:begin -->
                old numbers
                <!-- bench/gateway.sh:end -->

                What limits it.

                ## Other
                text
                """;

        String updated = DocSection.replace(doc, HEADING, ID, "new numbers\n");

        assertThat(updated).contains("Why and how.\n\n<!-- bench/gateway.sh:begin -->\nnew numbers\n<!-- bench/gateway.sh:end -->\n\nWhat limits it.")
                .doesNotContain("old numbers").endsWith("## Other\ntext\n");
    }

    @Test
    void adds_the_block_at_the_end_of_an_existing_section_without_markers() {
        String doc = "# Benchmarks\n\n## Ingest gateway: pixel throughput\n\nProse.\n\n## Other\ntext\n";

        String updated = DocSection.replace(doc, HEADING, ID, "numbers");

        assertThat(updated).isEqualTo("# Benchmarks\n\n## Ingest gateway: pixel throughput\n\nProse.\n\n"
                + "<!-- bench/gateway.sh:begin -->\nnumbers\n<!-- bench/gateway.sh:end -->\n\n## Other\ntext\n");
    }

    @Test
    void appends_a_missing_section() {
        String updated = DocSection.replace("# Benchmarks\n", HEADING, ID, "numbers");

        assertThat(updated).isEqualTo("# Benchmarks\n\n## Ingest gateway: pixel throughput\n\n"
                + "<!-- bench/gateway.sh:begin -->\nnumbers\n<!-- bench/gateway.sh:end -->\n");
    }
}

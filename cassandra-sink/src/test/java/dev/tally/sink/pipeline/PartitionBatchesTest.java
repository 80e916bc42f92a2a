package dev.tally.sink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionBatchesTest {
    private record Row(String partition, int bytes) {
    }

    @Test
    void groups_rows_of_one_partition_only_in_first_seen_order() {
        List<Row> rows = List.of(new Row("a", 1), new Row("b", 1), new Row("a", 1), new Row("c", 1), new Row("b", 1));

        List<List<Row>> batches = PartitionBatches.group(rows, Row::partition, Row::bytes, 10, 1000);

        assertThat(batches).extracting(batch -> batch.get(0).partition()).containsExactly("a", "b", "c");
        assertThat(batches).allSatisfy(batch -> assertThat(batch).extracting(Row::partition).containsOnly(batch.get(0).partition()));
        assertThat(batches).extracting(List::size).containsExactly(2, 2, 1);
    }

    @Test
    void cuts_a_partition_at_the_row_and_byte_limits() {
        List<Row> rows = List.of(new Row("a", 40), new Row("a", 40), new Row("a", 40), new Row("a", 10), new Row("a", 200));

        assertThat(PartitionBatches.group(rows, Row::partition, Row::bytes, 2, 1000)).extracting(List::size).containsExactly(2, 2, 1);
        assertThat(PartitionBatches.group(rows, Row::partition, Row::bytes, 10, 100)).extracting(List::size)
                .as("a row larger than the limit still goes out, alone").containsExactly(2, 2, 1);
    }
}

package dev.tally.sink.pipeline;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One write that can be attempted again: a single-partition Cassandra statement or batch, or one
 * dead letter. Once {@code attempt} succeeds, every record in {@code covers} is stored.
 *
 * @param kind what is written, for metrics and logs ({@code raw}, {@code rollup}, {@code dead-letter})
 * @param covers the source records this write stores (each once)
 * @param rows rows written (or records sent) by one successful attempt
 * @param attempt starts one attempt; it may be called again after a failure, so it must be idempotent
 */
public record WriteUnit(String kind, List<SourcePosition> covers, int rows, Supplier<? extends CompletionStage<?>> attempt) {
    public WriteUnit {
        covers = List.copyOf(new java.util.LinkedHashSet<>(covers));
    }
}

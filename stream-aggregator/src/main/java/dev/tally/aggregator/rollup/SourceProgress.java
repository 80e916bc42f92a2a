package dev.tally.aggregator.rollup;

/**
 * What one input partition's pre-aggregation step tells every merge partition at each drain: how far its
 * stream time has got, and whether it read anything since its previous drain.
 *
 * <p>A partial always reaches a merge partition before the heartbeat of the drain that sent it (same
 * producer, same partition), and an input partition never accepts an event whose minute is closed at its
 * own stream time. So once every input partition has reported a stream time past a minute's end plus
 * grace, no partial for that minute can still be on its way. See {@link SourceWatermarks}.
 *
 * @param source       the input partition (the pre-aggregation task's partition)
 * @param streamTimeMs that partition's stream time at the drain; negative before its first record
 * @param readRecords  whether it processed any record since its previous drain
 */
public record SourceProgress(int source, long streamTimeMs, boolean readRecords) {}

package dev.tally.aggregator.topology;

/** What the topology reports to the service's metrics; a plain interface so tests can count too. */
public interface RollupCounters {
    /** Events left out of rollups because a bot sent them (they are still in the enriched stream). */
    void botEvents(long count);

    /** Events left out of rollups because their minute had closed (still in the enriched stream and raw storage). */
    void lateEvents(long count);

    RollupCounters NONE = new RollupCounters() {
        @Override
        public void botEvents(long count) {}

        @Override
        public void lateEvents(long count) {}
    };
}

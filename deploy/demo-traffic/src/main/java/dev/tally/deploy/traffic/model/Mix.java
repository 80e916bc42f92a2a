package dev.tally.deploy.traffic.model;

/**
 * Seeds for independent random streams (one per site, one per visitor, ...) from the run's seed, so
 * that a visitor's address and browser depend only on the seed, its site and its number, not on what
 * was drawn before: the stafford variant 13 finaliser of SplitMix64 over the combined inputs.
 */
final class Mix {
    private Mix() {}

    static long of(long seed, long stream, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

package dev.tally.aggregator.rollup;

/** One row of a breakdown: a dimension and one of its values ("" for {@code total}). */
public record DimensionValue(Dimension dimension, String value) {}

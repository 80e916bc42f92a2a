package dev.tally.query.answer;

/** Restricts an answer to one value of one dimension (page = /pricing); {@link #NONE} reads the site's totals. */
public record Filter(Dimension dimension, String value) {
    public static final Filter NONE = new Filter(Dimension.TOTAL, "");

    public boolean isNone() {
        return dimension == Dimension.TOTAL;
    }
}

package dev.tally.query.http;

import dev.tally.query.answer.BadParameter;
import dev.tally.query.answer.Dimension;
import dev.tally.query.answer.Filter;
import java.util.Deque;
import java.util.Map;

/** The query string of one request, read strictly: every bad value is a {@link BadParameter} naming it. */
final class Params {
    private static final int MAX_LENGTH = 2_000;

    private final Map<String, Deque<String>> values;

    Params(Map<String, Deque<String>> values) {
        this.values = values;
    }

    /** The parameter's value, or null when absent or empty. */
    String get(String name) {
        Deque<String> all = values.get(name);
        if (all == null || all.isEmpty()) {
            return null;
        }
        if (all.size() > 1) {
            throw new BadParameter(name, "given more than once");
        }
        String value = all.getFirst();
        if (value.length() > MAX_LENGTH) {
            throw new BadParameter(name, "longer than " + MAX_LENGTH + " characters");
        }
        return value.isEmpty() ? null : value;
    }

    String required(String name) {
        String value = get(name);
        if (value == null) {
            throw new BadParameter(name, "required");
        }
        return value;
    }

    int intInRange(String name, int fallback, int min, int max) {
        String text = get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new BadParameter(name, "must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new BadParameter(name, "must be a whole number between " + min + " and " + max);
        }
    }

    /** {@code filter=page:/pricing}: one dimension value; absent means the site's totals. */
    Filter filter() {
        String text = get("filter");
        if (text == null) {
            return Filter.NONE;
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new BadParameter("filter", "must be dimension:value, e.g. page:/pricing");
        }
        Dimension dimension = Dimension.parse(text.substring(0, colon))
                .filter(d -> d != Dimension.TOTAL)
                .orElseThrow(() -> new BadParameter("filter", "unknown dimension '" + text.substring(0, Math.min(colon, 40)) + "'"));
        return new Filter(dimension, text.substring(colon + 1));
    }
}

package dev.tally.gateway.ingest;

/** Small string rules applied to everything a visitor sends. */
final class Text {
    private Text() {}

    /**
     * Removes control characters (C0, DEL, C1) and unpaired surrogates, which have no place in URLs,
     * titles or names and can corrupt terminals, logs and CSV exports downstream. Returns the same
     * instance when there is nothing to remove, which is the common case.
     */
    static String clean(String text) {
        if (text == null) {
            return null;
        }
        int length = text.length();
        int i = 0;
        while (i < length && keep(text, i)) {
            i++;
        }
        if (i == length) {
            return text;
        }
        StringBuilder out = new StringBuilder(length);
        out.append(text, 0, i);
        for (; i < length; i++) {
            if (keep(text, i)) {
                out.append(text.charAt(i));
            }
        }
        return out.toString();
    }

    private static boolean keep(String text, int i) {
        char c = text.charAt(i);
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
        }
        return true;
    }

    static String emptyToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /** Cuts at a code point boundary, never in the middle of a surrogate pair. */
    static String truncate(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (Character.isLowSurrogate(text.charAt(end)) && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}

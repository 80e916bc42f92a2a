package dev.tally.gateway.tracker;

import java.util.Set;

/**
 * Removes comments and whitespace from the tracker's JavaScript source; nothing else. Strings and
 * regular-expression literals are copied byte for byte, identifiers are never renamed. The output is
 * a pure function of the input.
 *
 * <p>It is built for one reviewed file, not for arbitrary JavaScript, and is conservative where that
 * matters:
 * <ul>
 *   <li>A line break is kept (as one {@code \n}) unless the token before it or after it makes it
 *       certainly meaningless, so automatic semicolon insertion ({@code return}&#x23CE;{@code x},
 *       {@code a}&#x23CE;{@code ++b}) means after minification what it meant before.</li>
 *   <li>A space is kept where removing it would join two tokens ({@code var x}, {@code a + +b}).</li>
 *   <li>A {@code /} starts a regular expression after punctuation or one of a few keywords, a division
 *       otherwise; the tracker source is written so that this simple rule is right.</li>
 *   <li>Template literals, unterminated strings, comments and regular expressions are rejected
 *       rather than guessed at.</li>
 * </ul>
 */
final class JsMinifier {
    /** A line break may go when the token before it ends with one of these... */
    private static final String BREAK_NOT_NEEDED_AFTER = ";,{([=:?&|!";
    /** ...or the token after it starts with one of these: ASI never puts a semicolon before them. */
    private static final String BREAK_NOT_NEEDED_BEFORE = "}),;.]:?=&|";
    /** After these, a {@code /} begins a regular expression. */
    private static final String REGEX_AFTER = "(,=:[!&|?{};+-*%<>~^";
    private static final Set<String> REGEX_AFTER_WORDS = Set.of(
            "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof");

    private JsMinifier() {}

    static String minify(String source) {
        StringBuilder out = new StringBuilder(source.length());
        boolean pendingSpace = false;
        boolean pendingBreak = false;
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            char next = i + 1 < n ? source.charAt(i + 1) : 0;
            if (isLineTerminator(c)) {
                pendingBreak = true;
                i++;
            } else if (isWhitespace(c)) {
                pendingSpace = true;
                i++;
            } else if (c == '/' && next == '/') {
                while (i < n && !isLineTerminator(source.charAt(i))) {
                    i++;
                }
                pendingSpace = true;
            } else if (c == '/' && next == '*') {
                int end = source.indexOf("*/", i + 2);
                if (end < 0) {
                    throw error("unterminated comment", source, i);
                }
                for (int k = i + 2; k < end; k++) {
                    pendingBreak |= isLineTerminator(source.charAt(k));
                }
                pendingSpace = true;
                i = end + 2;
            } else {
                if (pendingSpace || pendingBreak) {
                    separate(out, c, pendingBreak);
                    pendingSpace = false;
                    pendingBreak = false;
                }
                if (c == '\'' || c == '"') {
                    i = copyString(source, i, out);
                } else if (c == '`') {
                    throw error("template literals are not supported", source, i);
                } else if (c == '/' && regexAllowed(out)) {
                    i = copyRegex(source, i, out);
                } else {
                    out.append(c);
                    i++;
                }
            }
        }
        return out.toString();
    }

    /** Writes what must stand between the output so far and a token starting with {@code next}. */
    private static void separate(StringBuilder out, char next, boolean hadBreak) {
        if (out.length() == 0) {
            return;
        }
        char prev = out.charAt(out.length() - 1);
        boolean joins = isIdentifierPart(prev) && isIdentifierPart(next)
                || prev == next && (prev == '+' || prev == '-')
                || prev == '/' && (next == '/' || next == '*');
        if (hadBreak && BREAK_NOT_NEEDED_AFTER.indexOf(prev) < 0 && BREAK_NOT_NEEDED_BEFORE.indexOf(next) < 0) {
            out.append('\n');
        } else if (joins) {
            out.append(' ');
        }
    }

    private static int copyString(String source, int start, StringBuilder out) {
        char quote = source.charAt(start);
        int i = start + 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                out.append(source, start, i + 1);
                return i + 1;
            } else if (isLineTerminator(c)) {
                break;
            } else {
                i++;
            }
        }
        throw error("unterminated string", source, start);
    }

    private static int copyRegex(String source, int start, StringBuilder out) {
        boolean inClass = false;
        int i = start + 1;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (isLineTerminator(c)) {
                break;
            }
            if (c == '[') {
                inClass = true;
            } else if (c == ']') {
                inClass = false;
            } else if (c == '/' && !inClass) {
                out.append(source, start, i + 1);
                return i + 1;
            }
            i++;
        }
        throw error("unterminated regular expression", source, start);
    }

    private static boolean regexAllowed(StringBuilder out) {
        int end = out.length();
        while (end > 0 && (out.charAt(end - 1) == ' ' || out.charAt(end - 1) == '\n')) {
            end--;
        }
        if (end == 0) {
            return true;
        }
        char prev = out.charAt(end - 1);
        if (!isIdentifierPart(prev)) {
            return REGEX_AFTER.indexOf(prev) >= 0;
        }
        int start = end;
        while (start > 0 && isIdentifierPart(out.charAt(start - 1))) {
            start--;
        }
        return REGEX_AFTER_WORDS.contains(out.substring(start, end));
    }

    private static boolean isIdentifierPart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '_' || c == '$' || c == '\\' || c > 0x7f;
    }

    private static boolean isLineTerminator(char c) {
        return c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029';
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\u000b' || c == '\f' || c == '\u00a0' || c == '\ufeff'
                || Character.getType(c) == Character.SPACE_SEPARATOR;
    }

    private static IllegalArgumentException error(String what, String source, int at) {
        int line = 1;
        for (int k = 0; k < at; k++) {
            if (source.charAt(k) == '\n') {
                line++;
            }
        }
        return new IllegalArgumentException("tracker source: " + what + " at line " + line);
    }
}

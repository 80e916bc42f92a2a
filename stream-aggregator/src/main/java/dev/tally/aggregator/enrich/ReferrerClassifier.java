package dev.tally.aggregator.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Classifies a referrer host into an acquisition channel ({@code search}, {@code social}, {@code email})
 * from the list in {@code referrers.txt}; hosts not on the list give null (the caller calls them
 * {@code referral}). Matching is by trailing host labels, longest entry first, so the list stays short.
 */
public final class ReferrerClassifier {
    public static final String RESOURCE = "/dev/tally/aggregator/enrich/referrers.txt";
    static final Set<String> CHANNELS = Set.of("search", "social", "email");

    private record Entry(String channel, String[] labels) {}

    private final List<Entry> entries;

    private ReferrerClassifier(List<Entry> entries) {
        // Longest first: "mail.yahoo.com" (email) must win over a shorter entry that also matches.
        this.entries = entries.stream().sorted((a, b) -> Integer.compare(b.labels.length, a.labels.length)).toList();
    }

    /** The list shipped with the aggregator. */
    public static ReferrerClassifier bundled() {
        try (InputStream in = ReferrerClassifier.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    /** Parses lines of {@code <channel> <host pattern>}; '#' starts a comment. */
    public static ReferrerClassifier parse(String text) {
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new java.io.StringReader(text))) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split("\\s+");
                if (parts.length != 2 || !CHANNELS.contains(parts[0])) {
                    throw new IllegalArgumentException("Referrer list line " + number + " must be '<"
                            + String.join("|", CHANNELS) + "> <host>': " + trimmed);
                }
                entries.add(new Entry(parts[0], parts[1].toLowerCase(Locale.ROOT).split("\\.")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ReferrerClassifier(entries);
    }

    /** The channel of a lower-case referrer host, or null when the host is not on the list. */
    public String channelOf(String host) {
        if (host == null) {
            return null;
        }
        String[] labels = host.split("\\.");
        for (Entry entry : entries) {
            if (matches(entry.labels, labels)) {
                return entry.channel;
            }
        }
        return null;
    }

    private static boolean matches(String[] pattern, String[] host) {
        if (pattern.length > host.length) {
            return false;
        }
        int offset = host.length - pattern.length;
        for (int i = 0; i < pattern.length; i++) {
            if (!pattern[i].equals("*") && !pattern[i].equals(host[offset + i])) {
                return false;
            }
        }
        return true;
    }
}

package dev.tally.gateway.tracker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The tracker script as the gateway serves it, built once at start-up: the reviewed source
 * {@code dev/tally/gateway/tracker/a.js}, minified by {@link JsMinifier}, with the API and pixel paths
 * put in place of {@code __TALLY_API_PATH__} and {@code __TALLY_PIXEL_PATH__}. Holds the UTF-8 bytes,
 * their gzip form and an ETag for each; immutable, and the same input always gives the same bytes.
 *
 * <p>Measured with the default paths ({@code /api/event}, {@code /a.gif}): source 6,365 bytes, served
 * 1,568 bytes, gzipped 953 bytes (JDK 17 Deflater, best compression). {@code TrackerScriptTest} fails
 * above 1,024 gzipped bytes and prints the sizes.
 */
public final class TrackerScript {
    public static final String DEFAULT_API_PATH = "/api/event";
    public static final String DEFAULT_PIXEL_PATH = "/a.gif";
    static final String SOURCE = "a.js";
    static final String API_PLACEHOLDER = "__TALLY_API_PATH__";
    static final String PIXEL_PLACEHOLDER = "__TALLY_PIXEL_PATH__";
    /** Paths end up inside a JavaScript string literal: only characters that need no escaping there. */
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9/_.-]*");

    private final String text;
    private final byte[] bytes;
    private final byte[] gzipped;
    private final String etag;
    private final String gzipEtag;

    private TrackerScript(String text) {
        this.text = text;
        this.bytes = text.getBytes(StandardCharsets.UTF_8);
        this.gzipped = gzip(bytes);
        String hash = HexFormat.of().formatHex(Arrays.copyOf(sha256(bytes), 16));
        this.etag = '"' + hash + '"';
        this.gzipEtag = '"' + hash + "-gzip\"";
    }

    /**
     * Builds the script for the given paths, as they are routed on the gateway.
     *
     * @throws IllegalArgumentException if a path does not start with {@code /} or holds a character
     *                                  other than {@code A-Z a-z 0-9 / _ . -}
     */
    public static TrackerScript load(String apiPath, String pixelPath) {
        requireSafePath("API path", apiPath);
        requireSafePath("pixel path", pixelPath);
        String minified = JsMinifier.minify(readSource());
        return new TrackerScript(minified
                .replace(API_PLACEHOLDER, apiPath)
                .replace(PIXEL_PLACEHOLDER, pixelPath));
    }

    /** The served script as text. */
    public String text() {
        return text;
    }

    /** The served script, UTF-8; a copy. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The served script, gzip-compressed at the best level; a copy. */
    public byte[] gzipped() {
        return gzipped.clone();
    }

    public int size() {
        return bytes.length;
    }

    public int gzippedSize() {
        return gzipped.length;
    }

    /** Strong ETag of the identity form: the quoted hex of the first 16 bytes of its SHA-256. */
    public String etag() {
        return etag;
    }

    /**
     * Strong ETag of the gzip form: {@link #etag()} with {@code -gzip} before the closing quote. A strong
     * validator names one exact byte sequence, so the two content codings need two (RFC 9110, 8.8.3.3);
     * deriving this one from the uncompressed bytes keeps it equal across gateways whose zlib differ.
     */
    public String gzipEtag() {
        return gzipEtag;
    }

    static String readSource() {
        try (InputStream in = TrackerScript.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("tracker source missing from the classpath: " + SOURCE);
            }
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!source.contains(API_PLACEHOLDER) || !source.contains(PIXEL_PLACEHOLDER)) {
                throw new IllegalStateException("tracker source lacks " + API_PLACEHOLDER + " or " + PIXEL_PLACEHOLDER);
            }
            return source;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tracker source " + SOURCE, e);
        }
    }

    private static void requireSafePath(String what, String path) {
        if (path == null || !SAFE_PATH.matcher(path).matches()) {
            throw new IllegalArgumentException(what + " must start with '/' and contain only A-Z a-z 0-9 / _ . -, got: " + path);
        }
    }

    private static byte[] gzip(byte[] input) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length);
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gz.write(input);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: in-memory streams
        }
        return out.toByteArray();
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}

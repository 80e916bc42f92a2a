package dev.tally.deploy.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The last lines of a server's output file, for start-up error messages. Reads only the file's end,
 * and folds stack frames so that the exception lines, the ones that say what went wrong, fit in.
 */
final class LogTail {

    /** Enough for a few stack traces' worth of lines. */
    private static final int MAX_BYTES = 64 * 1024;
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ ).*");

    private LogTail() {
    }

    /**
     * Up to {@code count} last non-blank lines, each run of stack frames folded into one line
     * {@code "    ... N stack frames"}; empty if the file is missing.
     */
    static List<String> lastLines(Path file, int count) {
        String text;
        boolean partial;
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            int length = (int) Math.min(size, MAX_BYTES);
            channel.position(size - length);
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read until full or at end of file
            }
            text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
            partial = size > length;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            return List.of("(could not read " + file + ": " + e + ")");
        }
        String[] raw = text.split("\\R");
        // Reading began mid-file, so the first line is a fragment.
        int first = partial ? 1 : 0;
        List<String> lines = new ArrayList<>();
        int frames = 0;
        for (int i = first; i < raw.length; i++) {
            String line = raw[i];
            if (STACK_FRAME.matcher(line).matches()) {
                frames++;
                continue;
            }
            if (frames > 0) {
                lines.add("    ... " + frames + " stack frames");
                frames = 0;
            }
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        if (frames > 0) {
            lines.add("    ... " + frames + " stack frames");
        }
        return List.copyOf(lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    /** The last lines, indented, for the end of an exception message. */
    static String describe(Path file, int count) {
        List<String> lines = lastLines(file, count);
        if (lines.isEmpty()) {
            return "Its output file " + file + " is empty.";
        }
        return "Last lines of " + file + ":\n" + lines.stream().map(line -> "    " + line)
                .collect(Collectors.joining("\n"));
    }
}

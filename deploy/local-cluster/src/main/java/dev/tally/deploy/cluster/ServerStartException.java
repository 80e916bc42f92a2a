package dev.tally.deploy.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * A server could not be started. The message is meant for the operator as is: it says what failed,
 * what to do, and names the server's output file with its last lines; {@link #logFiles()} lists those
 * files for callers that want them.
 */
public final class ServerStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<Path> logFiles;

    public ServerStartException(String message, List<Path> logFiles) {
        this(message, logFiles, null);
    }

    public ServerStartException(String message, List<Path> logFiles, Throwable cause) {
        super(message, cause);
        this.logFiles = List.copyOf(logFiles);
    }

    /** Output files of the servers involved, to read for the cause; empty when none was started. */
    public List<Path> logFiles() {
        return logFiles;
    }
}

package org.shouhu.gateway.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary data directory for a redis-server that lives only as long as one run (the demo, the
 * season simulation, the benchmark, the tests), deleted with everything in it when closed: a
 * season's AOF alone is about 2 GB. Close it after the server has stopped.
 */
public final class ScratchDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScratchDirectory.class);

    private final Path path;

    private ScratchDirectory(Path path) {
        this.path = path;
    }

    /** A new empty directory under the system's temporary directory, its name starting with {@code prefix}. */
    public static ScratchDirectory create(String prefix) throws IOException {
        return new ScratchDirectory(Files.createTempDirectory(prefix));
    }

    /** Where the server keeps its data. */
    public Path path() {
        return path;
    }

    /** Deletes the directory and everything in it; a run that finished is not failed for what cannot be deleted, which is logged. */
    @Override
    public void close() {
        String failure = "";
        for (int attempt = 1; attempt <= 3 && Files.exists(path); attempt++) {
            try (Stream<Path> tree = Files.walk(path)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | UncheckedIOException e) { // a file came or went meanwhile (an AOF rewrite ending)
                failure = e.toString();
            }
        }
        if (Files.exists(path)) {
            LOG.warn("could not delete {} {}", path, failure);
        }
    }
}

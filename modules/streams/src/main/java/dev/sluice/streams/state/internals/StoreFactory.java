package dev.sluice.streams.state.internals;

import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.processor.TaskId;
import dev.sluice.streams.state.StoreType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Opens stores by type: in memory, or LMDB under {@code <application dir>/<task>/<store>}. Called by the
 * thread that creates tasks.
 */
public final class StoreFactory implements AutoCloseable {
    private final Path applicationDir;
    private final StoreType defaultType;

    public StoreFactory(Path applicationDir, StoreType defaultType) {
        this.applicationDir = applicationDir;
        this.defaultType = defaultType;
    }

    public BytesStore open(TaskId task, StoreSpec spec) {
        StoreType type = spec.type() != null ? spec.type() : defaultType;
        return switch (type) {
            case IN_MEMORY -> new InMemoryBytesStore();
            case LMDB -> LmdbBytesStore.open(taskDir(task).resolve(spec.name()));
        };
    }

    public Path taskDir(TaskId task) {
        return applicationDir.resolve(task.toString());
    }

    /** Deletes a task's persistent stores (their state cannot be trusted: restore from scratch). */
    public void wipe(TaskId task) {
        Path dir = taskDir(task);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + dir, e);
        }
    }

    @Override
    public void close() {
        // stores are closed by their tasks; nothing shared to release
    }
}

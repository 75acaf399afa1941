package dev.sluice.storage.file.log;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Making renames in a partition directory durable. Stateless. */
final class SegmentDirectory {
    private SegmentDirectory() {
    }

    /** Forces the directory's entries (renames, creations) to disk. */
    static void fsync(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot fsync directory " + dir, e);
        }
    }
}

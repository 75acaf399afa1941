package dev.sluice.broker.producer;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Producer-id blocks of a single broker, reserved in the file {@code producer-id-block} of the
 * log directory: one decimal number, the first id after the last reserved block. A reservation
 * writes a temporary file, fsyncs it, renames it over the old one and fsyncs the directory, so
 * after a crash the file names the end of every block that may have been handed out.
 * Thread-safety: callers serialise (the allocator's lock).
 */
public final class FileProducerIdBlockStore implements ProducerIdBlockStore {
    public static final String FILE_NAME = "producer-id-block";

    private final Path file;
    private long reservedEnd;

    public FileProducerIdBlockStore(Path logDir) {
        this.file = logDir.resolve(FILE_NAME);
        try {
            this.reservedEnd = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0L;
        } catch (IOException | NumberFormatException e) {
            throw new StorageException("cannot read " + file + "; delete it only if no producer ids were ever issued", e);
        }
        if (reservedEnd < 0) {
            throw new StorageException("corrupt " + file + ": negative producer id " + reservedEnd);
        }
    }

    @Override
    public ProducerIdBlock reserveNext(int size) {
        ProducerIdBlock block = new ProducerIdBlock(reservedEnd, size);
        write(block.nextBlockFirstId());
        reservedEnd = block.nextBlockFirstId();
        return block;
    }

    private void write(long end) {
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(Long.toString(end).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(file.getParent());
        } catch (IOException e) {
            throw new StorageException("cannot reserve producer ids in " + file, e);
        }
    }

    /** Makes the rename durable (not possible on every platform: then the rename's own ordering has to do). */
    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open directories; POSIX file systems can
        }
    }
}

package dev.sluice.broker.producer;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Hands out producer ids (InitProducerId) that are never reused, even after a crash: ids are
 * reserved in blocks whose end is written to disk before any id of the block is given out.
 */
public final class ProducerIdAllocator {
    static final int BLOCK_SIZE = 1000;

    private final Path file;
    private long next;
    private long blockEnd;

    public ProducerIdAllocator(Path logDir) {
        this.file = logDir.resolve("producer-id-block");
        try {
            long reserved = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0L;
            this.next = reserved;
            this.blockEnd = reserved;
        } catch (IOException | NumberFormatException e) {
            throw new StorageException("cannot read " + file + "; delete it only if no producer ids were ever issued", e);
        }
    }

    public synchronized long nextId() {
        if (next == blockEnd) {
            reserve(blockEnd + BLOCK_SIZE);
        }
        return next++;
    }

    private void reserve(long end) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, Long.toString(end), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("cannot reserve producer ids in " + file, e);
        }
        blockEnd = end;
    }
}

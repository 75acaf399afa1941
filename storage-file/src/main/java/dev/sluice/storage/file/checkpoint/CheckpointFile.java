package dev.sluice.storage.file.checkpoint;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Kafka's checkpoint file format: a version line ({@code 0}), a count line, then one entry per
 * line. Written to a temporary file, fsynced and renamed over the old one, so a crash leaves
 * either the old or the new content, never a mix.
 */
final class CheckpointFile {
    static final int VERSION = 0;

    private CheckpointFile() {
    }

    static void write(Path file, List<String> entries) {
        StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(entries.size()).append('\n');
        for (String entry : entries) {
            text.append(entry).append('\n');
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                var bytes = java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write checkpoint " + file, e);
        }
    }

    /** The entry lines, or empty if the file does not exist. */
    static Optional<List<String>> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot read checkpoint " + file, e);
        }
        if (lines.size() < 2 || !lines.get(0).trim().equals(String.valueOf(VERSION))) {
            throw new StorageException("malformed checkpoint " + file + ": expected version " + VERSION + " and a count");
        }
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw new StorageException("malformed checkpoint " + file + ": bad count line '" + lines.get(1) + "'");
        }
        List<String> entries = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
            if (!line.isBlank()) {
                entries.add(line.trim());
            }
        }
        if (entries.size() != count) {
            throw new StorageException("malformed checkpoint " + file + ": count says " + count + " but found " + entries.size());
        }
        return Optional.of(entries);
    }

    static StorageException malformed(Path file, String line) {
        return new StorageException("malformed checkpoint " + file + ": bad entry '" + line + "'");
    }
}

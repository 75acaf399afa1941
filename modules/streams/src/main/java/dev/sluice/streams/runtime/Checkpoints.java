package dev.sluice.streams.runtime;

import dev.sluice.api.storage.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A task's checkpoint file ({@code <task dir>/.checkpoint}): for each changelog partition of its
 * persistent stores, the changelog offset the stores hold everything before. Written after a commit
 * (to a temporary file, fsynced, renamed); with exactly-once it is deleted when the task starts
 * processing, so after a crash the stores are rebuilt from the changelog instead of trusted. Format:
 * one {@code topic partition offset} line per changelog partition. Stream thread only.
 */
final class Checkpoints {
    private Checkpoints() {
    }

    static Map<TopicPartition, Long> read(Path taskDir) {
        Path file = taskDir.resolve(".checkpoint");
        Map<TopicPartition, Long> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split(" ");
                if (parts.length == 3) {
                    out.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new HashMap<>(); // unreadable: restore everything
        }
        return out;
    }

    static void write(Path taskDir, Map<TopicPartition, Long> offsets) {
        try {
            Files.createDirectories(taskDir);
            Path tmp = taskDir.resolve(".checkpoint.tmp");
            StringBuilder text = new StringBuilder();
            offsets.forEach((tp, o) -> text.append(tp.topic()).append(' ').append(tp.partition()).append(' ').append(o).append('\n'));
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, taskDir.resolve(".checkpoint"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of " + taskDir, e);
        }
    }

    static void delete(Path taskDir) {
        try {
            Files.deleteIfExists(taskDir.resolve(".checkpoint"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the checkpoint of " + taskDir, e);
        }
    }
}

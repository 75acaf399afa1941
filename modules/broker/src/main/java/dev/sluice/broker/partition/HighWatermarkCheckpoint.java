package dev.sluice.broker.partition;

import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code replication-offset-checkpoint}: every partition's high watermark, in Kafka's text format
 * (version line {@code 0}, count line, then {@code topic partition offset} lines). Written
 * periodically and on shutdown, read at start-up: with followers the leader cannot simply take
 * the log end as committed, so the last known high watermark is where it resumes.
 *
 * <p>A write is durable when it returns: the content goes to a temporary file that is fsynced,
 * renamed over the checkpoint, and the directory is fsynced so the rename survives a power loss
 * (Kafka's {@code CheckpointFile}). A crash leaves either the old or the new checkpoint whole.
 *
 * <p>Threads: one writer at a time (the housekeeping scheduler, then shutdown); reads at start-up.
 */
public final class HighWatermarkCheckpoint {
    static final String FILE_NAME = "replication-offset-checkpoint";
    private static final int VERSION = 0;

    private final Path file;
    /** Told each path after it was forced to disk (tests check the order: file, then directory). */
    private final Consumer<Path> forced;

    public HighWatermarkCheckpoint(Path logDir) {
        this(logDir, path -> { });
    }

    HighWatermarkCheckpoint(Path logDir, Consumer<Path> forced) {
        this.file = logDir.resolve(FILE_NAME);
        this.forced = forced;
    }

    public Map<TopicPartition, Long> read() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (!Files.exists(file)) {
            return offsets;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IOException("unexpected header");
            }
            int count = Integer.parseInt(lines.get(1).trim());
            for (int i = 0; i < count; i++) {
                String[] parts = lines.get(2 + i).trim().split(" ");
                offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            }
            return offsets;
        } catch (IOException | RuntimeException e) {
            // not fatal: high watermarks are then recomputed from the replicas
            System.getLogger(HighWatermarkCheckpoint.class.getName()).log(System.Logger.Level.WARNING,
                    "ignoring unreadable " + file + ": " + e);
            return new HashMap<>();
        }
    }

    public void write(Map<TopicPartition, Long> offsets) {
        StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(offsets.size()).append('\n');
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            text.append(e.getKey().topic()).append(' ').append(e.getKey().partition()).append(' ').append(e.getValue()).append('\n');
        }
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
            forced.accept(tmp);
        } catch (IOException e) {
            throw new StorageException("cannot write " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("cannot replace " + file, e);
        }
        Path dir = file.getParent();
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
            forced.accept(dir);
        } catch (IOException e) {
            throw new StorageException("cannot fsync the directory " + dir, e);
        }
    }
}

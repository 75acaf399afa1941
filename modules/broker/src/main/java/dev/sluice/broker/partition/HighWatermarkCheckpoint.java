package dev.sluice.broker.partition;

import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code replication-offset-checkpoint}: every partition's high watermark, in Kafka's text format
 * (version line {@code 0}, count line, then {@code topic partition offset} lines). Written
 * periodically and on shutdown, read at start-up: with followers the leader cannot simply take
 * the log end as committed, so the last known high watermark is where it resumes.
 */
public final class HighWatermarkCheckpoint {
    static final String FILE_NAME = "replication-offset-checkpoint";
    private static final int VERSION = 0;

    private final Path file;

    public HighWatermarkCheckpoint(Path logDir) {
        this.file = logDir.resolve(FILE_NAME);
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
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write(VERSION + "\n" + offsets.size() + "\n");
            for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                out.write(e.getKey().topic() + " " + e.getKey().partition() + " " + e.getValue() + "\n");
            }
        } catch (IOException e) {
            throw new StorageException("cannot write " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("cannot replace " + file, e);
        }
    }
}

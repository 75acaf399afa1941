package dev.sluice.storage.file.checkpoint;

import dev.sluice.api.storage.TopicPartition;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A per-log-directory file of one offset per partition ({@code recovery-point-offset-checkpoint},
 * {@code log-start-offset-checkpoint}): Kafka's format, entries {@code "<topic> <partition> <offset>"}.
 */
public final class OffsetCheckpointFile {
    private final Path file;

    public OffsetCheckpointFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The offsets in the file; empty if there is no file yet. */
    public Map<TopicPartition, Long> read() {
        Map<TopicPartition, Long> offsets = new TreeMap<>();
        for (String line : CheckpointFile.read(file).orElse(List.of())) {
            String[] parts = line.split("\\s+");
            if (parts.length != 3) {
                throw CheckpointFile.malformed(file, line);
            }
            try {
                offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            } catch (IllegalArgumentException e) {
                throw CheckpointFile.malformed(file, line);
            }
        }
        return offsets;
    }

    public void write(Map<TopicPartition, Long> offsets) {
        List<String> entries = new ArrayList<>(offsets.size());
        new TreeMap<>(offsets).forEach((tp, offset) -> entries.add(tp.topic() + " " + tp.partition() + " " + offset));
        CheckpointFile.write(file, entries);
    }
}

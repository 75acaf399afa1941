package dev.sluice.storage.file.checkpoint;

import dev.sluice.api.storage.EpochEntry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A partition's {@code leader-epoch-checkpoint}: Kafka's format, entries {@code "<epoch> <start offset>"}. */
public final class LeaderEpochCheckpointFile {
    public static final String FILE_NAME = "leader-epoch-checkpoint";

    private final Path file;

    public LeaderEpochCheckpointFile(Path partitionDir) {
        this.file = partitionDir.resolve(FILE_NAME);
    }

    public List<EpochEntry> read() {
        List<EpochEntry> entries = new ArrayList<>();
        for (String line : CheckpointFile.read(file).orElse(List.of())) {
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw CheckpointFile.malformed(file, line);
            }
            try {
                entries.add(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            } catch (NumberFormatException e) {
                throw CheckpointFile.malformed(file, line);
            }
        }
        return entries;
    }

    public void write(List<EpochEntry> entries) {
        List<String> lines = new ArrayList<>(entries.size());
        for (EpochEntry entry : entries) {
            lines.add(entry.epoch() + " " + entry.startOffset());
        }
        CheckpointFile.write(file, lines);
    }
}

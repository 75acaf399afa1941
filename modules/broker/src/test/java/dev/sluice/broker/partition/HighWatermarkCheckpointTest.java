package dev.sluice.broker.partition;

import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HighWatermarkCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsInKafkasTextFormat() throws IOException {
        HighWatermarkCheckpoint checkpoint = new HighWatermarkCheckpoint(dir);
        assertThat(checkpoint.read()).isEmpty();
        checkpoint.write(Map.of(new TopicPartition("a-b", 3), 42L));
        assertThat(Files.readString(dir.resolve(HighWatermarkCheckpoint.FILE_NAME))).isEqualTo("0\n1\na-b 3 42\n");
        assertThat(checkpoint.read()).containsExactly(Map.entry(new TopicPartition("a-b", 3), 42L));
    }

    @Test
    void aWriteForcesTheNewFileBeforeRenamingItAndTheDirectoryAfter() throws IOException {
        List<Path> forced = new ArrayList<>();
        HighWatermarkCheckpoint checkpoint = new HighWatermarkCheckpoint(dir, path -> {
            // when the file is forced it is still the temporary one: the checkpoint is not replaced yet
            forced.add(path);
            if (forced.size() == 1) {
                assertThat(Files.exists(dir.resolve(HighWatermarkCheckpoint.FILE_NAME))).isFalse();
            }
        });
        checkpoint.write(Map.of(new TopicPartition("t", 0), 7L));
        assertThat(forced).containsExactly(dir.resolve(HighWatermarkCheckpoint.FILE_NAME + ".tmp"), dir);
        assertThat(checkpoint.read()).containsExactly(Map.entry(new TopicPartition("t", 0), 7L));
        assertThat(dir.resolve(HighWatermarkCheckpoint.FILE_NAME + ".tmp")).doesNotExist();
    }

    @Test
    void unreadableCheckpointIsIgnored() throws IOException {
        Files.writeString(dir.resolve(HighWatermarkCheckpoint.FILE_NAME), "7\ngarbage");
        assertThat(new HighWatermarkCheckpoint(dir).read()).isEmpty();
    }
}

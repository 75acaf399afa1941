package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The internal records in MirrorMaker 2's binary layout (Kafka protocol structs), byte for byte. */
class MirrorRecordsTest {

    @Test
    void anOffsetSyncIsTopicPartitionThenUpstreamAndDownstreamOffsets() {
        OffsetSync sync = new OffsetSync(new TopicPartition("t", 2), 7, 9);
        assertThat(HexFormat.of().formatHex(sync.key())).isEqualTo("0001" + "74" + "00000002");
        assertThat(HexFormat.of().formatHex(sync.value())).isEqualTo("0000000000000007" + "0000000000000009");
        assertThat(OffsetSync.decode(sync.key(), sync.value())).isEqualTo(sync);
    }

    @Test
    void aCheckpointIsGroupTopicPartitionThenVersionOffsetsAndMetadata() {
        Checkpoint c = new Checkpoint("g", new TopicPartition("a.t", 1), 5, 6, "m");
        assertThat(HexFormat.of().formatHex(c.key())).isEqualTo("0001" + "67" + "0003" + "612e74" + "00000001");
        assertThat(HexFormat.of().formatHex(c.value()))
                .isEqualTo("0000" + "0000000000000005" + "0000000000000006" + "0001" + "6d");
        assertThat(Checkpoint.decode(c.key(), c.value())).isEqualTo(c);
    }

    @Test
    void bytesThatAreNotARecordAreRefused() {
        assertThatThrownBy(() -> OffsetSync.decode(new byte[]{0, 9, 1}, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Checkpoint.decode(new Checkpoint("g", new TopicPartition("t", 0), 1, 1, "").key(), new byte[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

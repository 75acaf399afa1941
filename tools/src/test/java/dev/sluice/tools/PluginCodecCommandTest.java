package dev.sluice.tools;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.client.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code produce --compression NAME} takes a plugin's codec as the README promises: the example
 * plugin (on this test's module path, as {@code SLUICE_PLUGINS} puts it on the launcher's) is
 * chosen by its name alone, and {@code consume} reads the records back through it.
 */
class PluginCodecCommandTest extends BrokerTestBase {
    /** The example plugin's codec id (Kafka uses 1-4). */
    private static final int EXAMPLE_RLE_ID = 7;

    @Test
    void producesWithAPluginCodecNamedOnTheCommandLine() throws IOException {
        admin.createTopics(List.of(new NewTopic("packed", 1))).join();
        Result produced = sluiceWithInput("aaaaaaaaaaaaaaaaaaaa\nbbbbbbbbbbbbbbbbbbbb\n",
                "produce", "--topic", "packed", "--compression", "example-rle");
        assertThat(produced.exitCode()).as(produced.err()).isZero();
        assertThat(produced.err()).isEqualTo("Sent 2 records to topic packed.\n");

        assertThat(storedBatches("packed")).isNotEmpty()
                .allSatisfy(batch -> assertThat(batch.compressionId()).isEqualTo(EXAMPLE_RLE_ID));

        Result consumed = sluice("consume", "--topic", "packed", "--from-beginning", "--max-messages", "2");
        assertThat(consumed.exitCode()).as(consumed.err()).isZero();
        assertThat(consumed.lines()).containsExactly("aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb");
    }

    @Test
    void anUnknownCodecNameListsTheInstalledOnesThePluginsAmongThem() {
        admin.createTopics(List.of(new NewTopic("packed", 1))).join();
        Result r = sluiceWithInput("x\n", "produce", "--topic", "packed", "--compression", "lzma");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--compression: no compression codec named 'lzma' is installed")
                .contains("example-rle=7").contains("zstd=4");
    }

    /** The partition's batches as the broker stored them. */
    private List<RecordBatch> storedBatches(String topic) throws IOException {
        LogStorage log = broker.partitions().partition(topic, 0).orElseThrow().log();
        ByteBuffer bytes = log.read(log.logStartOffset(), log.logEndOffset(), Integer.MAX_VALUE, true).toBuffer();
        List<RecordBatch> batches = new ArrayList<>();
        for (int at = bytes.position(); at < bytes.limit(); ) {
            RecordBatch batch = new RecordBatch(bytes, at);
            batches.add(batch);
            at += batch.sizeInBytes();
        }
        return batches;
    }
}

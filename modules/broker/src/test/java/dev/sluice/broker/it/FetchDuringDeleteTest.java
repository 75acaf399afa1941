package dev.sluice.broker.it;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.message.Struct;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * #19.6: a fetch response being sent to a slow consumer survives the deletion of the segments it
 * reads (DeleteRecords, DeleteTopics): the segment files wait {@code file.delete.delay.ms} with
 * their channels open. Before, the channel was closed at once and the broker cut the connection
 * mid-response.
 */
@Timeout(120)
class FetchDuringDeleteTest {
    private static final String TOPIC = "slow";
    private static final int BATCHES = 24;
    private static final int BATCH_VALUE_BYTES = 100_000;

    @TempDir
    Path dir;

    @Test
    void aFetchBeingSentSurvivesDeleteRecords() throws Exception {
        fetchSlowlyWhile(partitions -> partitions.partition(TOPIC, 0).orElseThrow()
                .deleteRecordsBefore(BATCHES));
    }

    @Test
    void aFetchBeingSentSurvivesDeleteTopics() throws Exception {
        fetchSlowlyWhile(partitions -> partitions.deleteTopic(TOPIC));
    }

    private void fetchSlowlyWhile(Consumer<PartitionManager> deletion) throws Exception {
        // small socket buffers on both sides: the response cannot hide in the kernel's buffers
        try (TestBroker broker = TestBroker.start(dir, Map.of("socket.send.buffer.bytes", "4096"));
             WireClient producer = new WireClient(broker.bootstrap())) {
            PartitionManager partitions = broker.broker().partitions();
            // ~14 batches in the first segment, the rest in the second: DeleteRecords removes the first
            partitions.createTopic(TOPIC, 1, (short) 1, Map.of("segment.bytes", "1500000"), false);
            for (int i = 0; i < BATCHES; i++) {
                Struct response = producer.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                        WireClient.produce(TOPIC, 0, (short) 1, batchOf(i)));
                assertThat(error(WireClient.producePartition(response))).isEqualTo(Errors.NONE);
            }

            try (SocketChannel consumer = SocketChannel.open()) {
                consumer.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
                String[] hostPort = broker.bootstrap().split(":");
                consumer.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
                consumer.socket().setSoTimeout(15_000);
                byte[] request = WireClient.frame(ApiKey.FETCH, WireClient.FETCH_V, 1, WireClient.fetch(TOPIC, 0, 0, 8 << 20));
                consumer.write(ByteBuffer.wrap(request));
                ByteBuffer size = readFully(consumer, 4);
                int frameSize = size.getInt(0);
                assertThat(frameSize).isGreaterThan(10 * BATCH_VALUE_BYTES); // the first segment's batches
                ByteBuffer frame = ByteBuffer.allocate(frameSize);
                readInto(consumer, frame, 64 * 1024); // the response is on its way

                deletion.accept(partitions);

                readInto(consumer, frame, frameSize);
                Struct body = ResponseParser.parse(frame.flip(), ApiKey.FETCH, WireClient.FETCH_V).body();
                Struct partition = WireClient.fetchPartition(body);
                assertThat(error(partition)).isEqualTo(Errors.NONE);
                assertThat(validBatches(partition.getRecordsBuffer("Records"))).isGreaterThan(10);
                if (partitions.partition(TOPIC, 0).isPresent()) {
                    assertThat(partitions.partition(TOPIC, 0).get().logStartOffset()).as("the segment was deleted")
                            .isEqualTo(BATCHES);
                }
            }
        }
    }

    private static ByteBuffer batchOf(int i) {
        byte[] value = new byte[BATCH_VALUE_BYTES];
        value[0] = (byte) i;
        return new RecordBatchBuilder(null).append(1_000_000L + i, null, value).build();
    }

    /** Batches in the records, each checked whole (sizes, CRC): a cut or foreign byte fails. */
    private static int validBatches(ByteBuffer records) {
        RecordBatch batch = new RecordBatch();
        int count = 0;
        for (int position = records.position(); position < records.limit(); position += batch.sizeInBytes()) {
            batch.wrap(records, position);
            batch.validate(records.limit() - position);
            assertThat(batch.baseOffset()).isEqualTo(count);
            count++;
        }
        return count;
    }

    private static ByteBuffer readFully(SocketChannel channel, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        readInto(channel, buffer, n);
        return buffer.flip();
    }

    /** Reads until {@code buffer} holds {@code upTo} bytes (or is full). */
    private static void readInto(SocketChannel channel, ByteBuffer buffer, int upTo) throws IOException {
        while (buffer.position() < Math.min(upTo, buffer.capacity())) {
            ByteBuffer window = buffer.duplicate().limit(Math.min(upTo, buffer.capacity()));
            int n = channel.read(window);
            if (n < 0) {
                throw new IOException("the broker closed the connection after " + buffer.position() + " bytes");
            }
            buffer.position(window.position());
        }
    }
}

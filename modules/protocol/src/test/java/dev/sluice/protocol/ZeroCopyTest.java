package dev.sluice.protocol;

import dev.sluice.api.storage.LogSlice;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Record data set as a {@link LogSlice} goes to the socket with transferTo, never through the heap. */
class ZeroCopyTest {

    /** A file region that counts how it is sent. */
    static final class FileSlice implements LogSlice {
        private final FileChannel file;
        private final long start;
        private final int size;
        int transfers;
        int copies;

        FileSlice(FileChannel file, long start, int size) {
            this.file = file;
            this.start = start;
            this.size = size;
        }

        @Override
        public int sizeInBytes() {
            return size;
        }

        @Override
        public long transferTo(WritableByteChannel target, long position, long count) throws IOException {
            transfers++;
            return file.transferTo(start + position, Math.min(count, size - position), target);
        }

        @Override
        public ByteBuffer toBuffer() throws IOException {
            copies++;
            ByteBuffer b = ByteBuffer.allocate(size);
            file.read(b, start);
            return b.flip();
        }
    }

    @Test
    void fetchResponseSendsTheLogSliceWithTransferToAndKafkaReadsIt(@TempDir Path dir) throws Exception {
        MemoryRecords records = MemoryRecords.withRecords(42L, Compression.NONE,
                new SimpleRecord(1L, "k".getBytes(), "hello".getBytes()),
                new SimpleRecord(2L, "k2".getBytes(), "world".getBytes()));
        ByteBuffer batch = records.buffer().duplicate();
        int size = batch.remaining();
        try (FileChannel file = FileChannel.open(dir.resolve("segment.log"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.wrap(new byte[100]), 0); // the batch sits mid-file
            file.write(batch.duplicate(), 100);
            UUID topicId = UUID.randomUUID();

            for (short version : new short[] {4, 11, 12, 13, 18}) {
                FileSlice slice = new FileSlice(file, 100, size);
                Struct response = ApiKey.FETCH.newResponse().set("sessionId", version >= 7 ? 9 : 0);
                Struct topic = response.addStruct("responses");
                if (version >= 13) {
                    topic.set("topicId", topicId);
                } else {
                    topic.set("topic", "events");
                }
                topic.addStruct("partitions").set("partitionIndex", 3).set("highWatermark", 44L)
                        .set("records", slice);

                Send send = ResponseWriter.write(ApiKey.FETCH, version, 17, response);
                ByteBuffer wire = SendBytes.of(send);

                assertThat(slice.transfers).as("sent with transferTo").isEqualTo(1);
                assertThat(slice.copies).as("never copied to the heap").isZero();
                assertThat(send.size()).isEqualTo(wire.remaining());

                // Kafka parses the frame and finds exactly the record batch.
                RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKey.FETCH.id())
                        .setRequestApiVersion(version).setCorrelationId(17);
                AbstractResponse parsed = AbstractResponse.parseResponse(FramingTest.withoutSizePrefix(wire),
                        new org.apache.kafka.common.requests.RequestHeader(header,
                                ApiKeys.FETCH.requestHeaderVersion(version)));
                FetchResponseData data = (FetchResponseData) parsed.data();
                FetchResponseData.PartitionData partition = data.responses().get(0).partitions().get(0);
                assertThat(data.sessionId()).isEqualTo(version >= 7 ? 9 : 0);
                assertThat(partition.highWatermark()).isEqualTo(44L);
                assertThat(((MemoryRecords) partition.records()).buffer()).isEqualTo(records.buffer());
                if (version >= 13) {
                    assertThat(data.responses().get(0).topicId())
                            .isEqualTo(new Uuid(topicId.getMostSignificantBits(), topicId.getLeastSignificantBits()));
                }
            }
        }
    }

    @Test
    void parsedRecordsAreWritableSlicesOfTheRequestFrame() {
        Struct request = ApiKey.PRODUCE.newRequest().set("acks", 1).set("timeoutMs", 1000);
        ByteBuffer batch = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        request.addStruct("topicData").set("name", "t").addStruct("partitionData").set("index", 0).set("records", batch);
        ByteBuffer frame = bytesOf(RequestWriter.write(new RequestHeader(ApiKey.PRODUCE, (short) 9, 1, "c"), request));

        Request parsed = RequestParser.parse(frame);
        ByteBuffer records = parsed.body().getArray("topicData").get(0).getArray("partitionData").get(0)
                .getRecordsBuffer("records");
        assertThat(records).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        assertThat(records.isReadOnly()).isFalse();
        // same memory: a change to the frame shows through the slice
        frame.put(frame.limit() - 4, (byte) 99); // the last record byte, before 3 empty tagged-field sections
        assertThat(records.get(7)).isEqualTo((byte) 99);
    }

    private static ByteBuffer bytesOf(Send send) {
        try {
            return FramingTest.withoutSizePrefix(SendBytes.of(send));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

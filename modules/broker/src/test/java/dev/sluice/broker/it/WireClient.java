package dev.sluice.broker.it;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.RequestHeader;
import dev.sluice.protocol.RequestWriter;
import dev.sluice.protocol.ResponseParser;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.message.Struct;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * A raw Kafka protocol client for tests: requests built as {@link Struct}s, written with
 * {@link RequestWriter} to a blocking {@link SocketChannel}, answers read with
 * {@link ResponseParser}. Reads time out (15 s unless told) rather than hang.
 */
final class WireClient implements AutoCloseable {
    static final short PRODUCE_V = 9;
    static final short FETCH_V = 12;
    static final short INIT_PRODUCER_ID_V = 4;
    static final short CREATE_TOPICS_V = 7;
    static final short METADATA_V = 12;
    static final short API_VERSIONS_V = 3;

    private final SocketChannel channel;
    private final DataInputStream in;
    private int correlationId;

    WireClient(String bootstrap) throws IOException {
        this(bootstrap, 15_000);
    }

    /** With reads timing out after {@code readTimeoutMs}, for requests that do a lot of work. */
    WireClient(String bootstrap, int readTimeoutMs) throws IOException {
        int colon = bootstrap.lastIndexOf(':');
        channel = SocketChannel.open();
        channel.socket().setSoTimeout(readTimeoutMs);
        channel.socket().setTcpNoDelay(true);
        channel.connect(new InetSocketAddress(bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1))));
        in = new DataInputStream(channel.socket().getInputStream());
    }

    /** Sends a request and returns the parsed response body (checking the correlation id). */
    Struct call(ApiKey api, short version, Struct body) throws IOException {
        int id = ++correlationId;
        write(RequestWriter.write(new RequestHeader(api, version, id, "wire-test"), body), channel);
        ResponseParser.Response response = ResponseParser.parse(ByteBuffer.wrap(receiveFrame()), api, version);
        if (response.correlationId() != id) {
            throw new IllegalStateException("correlation id " + response.correlationId() + ", expected " + id);
        }
        return response.body();
    }

    /** Writes bytes as they are: the caller frames them (or not). */
    void sendRaw(byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** One response frame, without its size prefix. */
    byte[] receiveFrame() throws IOException {
        int size = in.readInt();
        byte[] payload = new byte[size];
        in.readFully(payload);
        return payload;
    }

    /** The full frame (size prefix included) a request serializes to. */
    static byte[] frame(ApiKey api, short version, int correlationId, Struct body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(RequestWriter.write(new RequestHeader(api, version, correlationId, "wire-test"), body), Channels.newChannel(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(Send send, WritableByteChannel channel) throws IOException {
        GatheringByteChannel gathering = channel instanceof GatheringByteChannel g ? g : new Gathering(channel);
        while (!send.writeTo(gathering)) {
            Thread.onSpinWait(); // a blocking channel takes everything; loop only for safety
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ---- request builders

    static Struct createTopics(String name, int partitions) {
        Struct request = ApiKey.CREATE_TOPICS.newRequest().set("timeoutMs", 10_000);
        request.addStruct("Topics").set("Name", name).set("NumPartitions", partitions).set("ReplicationFactor", (short) 1);
        return request;
    }

    static Struct initProducerId(long producerId, short epoch) {
        return ApiKey.INIT_PRODUCER_ID.newRequest().set("TransactionalId", null).set("TransactionTimeoutMs", 60_000)
                .set("ProducerId", producerId).set("ProducerEpoch", epoch);
    }

    static Struct produce(String topic, int partition, short acks, ByteBuffer records) {
        Struct request = ApiKey.PRODUCE.newRequest().set("TransactionalId", null).set("Acks", acks).set("TimeoutMs", 10_000);
        request.addStruct("TopicData").set("Name", topic).addStruct("PartitionData").set("Index", partition).set("Records", records);
        return request;
    }

    static Struct fetch(String topic, int partition, long offset, int maxBytes) {
        Struct request = ApiKey.FETCH.newRequest().set("ReplicaId", -1).set("MaxWaitMs", 0).set("MinBytes", 0)
                .set("MaxBytes", maxBytes).set("IsolationLevel", (byte) 0).set("SessionId", 0).set("SessionEpoch", -1);
        request.addStruct("Topics").set("Topic", topic).addStruct("Partitions").set("Partition", partition)
                .set("CurrentLeaderEpoch", -1).set("FetchOffset", offset).set("LastFetchedEpoch", -1)
                .set("LogStartOffset", -1L).set("PartitionMaxBytes", maxBytes);
        return request;
    }

    static Struct metadata(String... topics) {
        Struct request = ApiKey.METADATA.newRequest().set("AllowAutoTopicCreation", false);
        for (String topic : topics) {
            request.addStruct("Topics").set("Name", topic);
        }
        return request;
    }

    static Struct apiVersions() {
        return ApiKey.API_VERSIONS.newRequest().set("ClientSoftwareName", "wire-test").set("ClientSoftwareVersion", "1");
    }

    /** An idempotent batch of {@code count} records "v{seq}" with sequences from {@code baseSequence}. */
    static ByteBuffer idempotentBatch(long producerId, short epoch, int baseSequence, int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).producer(producerId, epoch, baseSequence);
        for (int i = 0; i < count; i++) {
            int seq = baseSequence + i;
            builder.append(1_000_000L + seq, ("k" + seq).getBytes(StandardCharsets.UTF_8),
                    ("v" + seq).getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    // ---- response access

    /** The single partition answer of a one-partition Produce response. */
    static Struct producePartition(Struct response) {
        return response.getArray("Responses").get(0).getArray("PartitionResponses").get(0);
    }

    static Struct fetchPartition(Struct response) {
        return response.getArray("Responses").get(0).getArray("Partitions").get(0);
    }

    static Errors error(Struct struct) {
        return Errors.forCode(struct.getShort("ErrorCode"));
    }

    /** Adapts a plain channel for {@link Send#writeTo}. */
    private record Gathering(WritableByteChannel channel) implements GatheringByteChannel {
        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                while (srcs[i].hasRemaining()) {
                    total += channel.write(srcs[i]);
                }
            }
            return total;
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}

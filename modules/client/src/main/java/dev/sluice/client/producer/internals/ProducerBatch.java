package dev.sluice.client.producer.internals;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.record.Header;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.producer.Callback;
import dev.sluice.client.producer.RecordMetadata;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The records bound for one partition in one produce batch, and their futures. Appended to by
 * application threads (under the partition deque's lock) until the sender drains it; from then on
 * the I/O thread owns it: it is closed once (sequence number fixed for every retry), sent,
 * maybe re-queued, and finally completed or failed, which frees its buffer.
 */
final class ProducerBatch {
    private record Thunk(CompletableFuture<RecordMetadata> future, Callback callback, int offsetDelta,
                         long timestamp, int keySize, int valueSize) {
    }

    final TopicPartition partition;
    final long createdMs;
    private final ByteBuffer buffer;
    private final BatchWriter writer;
    private final List<Thunk> thunks = new ArrayList<>();
    private final Consumer<ProducerBatch> onDone;
    /** Completes when every future of the batch has (flush waits on it). */
    final CompletableFuture<Void> done = new CompletableFuture<>();

    private ByteBuffer wire;
    int attempts;
    long retryAtMs;
    int baseSequence = -1;
    boolean inFlight;

    ProducerBatch(TopicPartition partition, ByteBuffer buffer, long createdMs, Consumer<ProducerBatch> onDone) {
        this.partition = partition;
        this.buffer = buffer;
        this.writer = new BatchWriter(buffer);
        this.createdMs = createdMs;
        this.onDone = onDone;
    }

    /** Appends a record unless the batch is closed or full; null if it did not fit. */
    CompletableFuture<RecordMetadata> tryAppend(long timestamp, byte[] key, byte[] value, List<Header> headers,
                                                Callback callback) {
        if (wire != null) {
            return null;
        }
        int delta = writer.tryAppend(timestamp, key, value, headers);
        if (delta < 0) {
            return null;
        }
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        thunks.add(new Thunk(future, callback, delta, timestamp, key == null ? -1 : key.length,
                value == null ? -1 : value.length));
        return future;
    }

    int recordCount() {
        return writer.count();
    }

    /** True once no further (small) record would fit; a hint to send without waiting for linger. */
    boolean isFull(int batchSize) {
        return writer.sizeInBytes() >= batchSize - 16;
    }

    boolean isClosed() {
        return wire != null;
    }

    /** Closes for appends and lays down the header; later calls return the same bytes. */
    ByteBuffer close(CompressionCodec codec, long producerId, short epoch, int sequence, boolean transactional) {
        if (wire == null) {
            baseSequence = sequence;
            wire = writer.close(codec, producerId, epoch, sequence, transactional);
        }
        return wire.duplicate();
    }

    /** The closed batch's bytes (a fresh view each call, so a retry resends from the start). */
    ByteBuffer wire() {
        return wire.duplicate();
    }

    /** Size on the wire (after close) or so far. */
    int sizeInBytes() {
        return wire != null ? wire.limit() : writer.sizeInBytes();
    }

    ByteBuffer buffer() {
        return buffer;
    }

    void complete(long baseOffset, long logAppendTime) {
        for (Thunk t : thunks) {
            long offset = baseOffset < 0 ? -1 : baseOffset + t.offsetDelta();
            RecordMetadata metadata = new RecordMetadata(partition.topic(), partition.partition(), offset,
                    logAppendTime >= 0 ? logAppendTime : t.timestamp(), t.keySize(), t.valueSize());
            t.future().complete(metadata);
            notify(t, metadata, null);
        }
        finish();
    }

    void fail(RuntimeException error) {
        for (Thunk t : thunks) {
            t.future().completeExceptionally(error);
            notify(t, null, error);
        }
        finish();
    }

    private static void notify(Thunk t, RecordMetadata metadata, Exception error) {
        if (t.callback() != null) {
            try {
                t.callback().onCompletion(metadata, error);
            } catch (RuntimeException e) {
                System.getLogger(ProducerBatch.class.getName()).log(System.Logger.Level.WARNING,
                        "producer callback threw", e);
            }
        }
    }

    private void finish() {
        if (!done.isDone()) {
            done.complete(null);
            onDone.accept(this);
        }
    }
}

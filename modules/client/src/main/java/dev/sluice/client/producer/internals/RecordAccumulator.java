package dev.sluice.client.producer.internals;

import dev.sluice.api.record.Header;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.producer.Callback;
import dev.sluice.client.producer.RecordMetadata;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Per-partition queues of batches: application threads append records to the newest batch of a
 * partition (starting a new one, from the {@link BufferPool}, when it is full); the sender takes
 * batches from the front. Each deque is its own lock, so threads sending to different partitions
 * do not contend.
 */
final class RecordAccumulator {
    /** What an append did: the record's future (null if it was not appended) and hints for the sender. */
    record AppendResult(CompletableFuture<RecordMetadata> future, boolean batchFull, boolean newBatch,
                        boolean abortedForNewBatch) {
    }

    private final ConcurrentHashMap<TopicPartition, Deque<ProducerBatch>> batches = new ConcurrentHashMap<>();
    private final Set<ProducerBatch> incomplete = ConcurrentHashMap.newKeySet();
    private final BufferPool pool;
    private final int batchSize;
    private final LongSupplier clock;
    private final AtomicInteger flushes = new AtomicInteger();
    private volatile boolean closing;

    /** @param clock monotonic ms of the producer's network client: batch ages and close deadlines */
    RecordAccumulator(long bufferMemory, int batchSize, LongSupplier clock) {
        this.clock = clock;
        this.pool = new BufferPool(bufferMemory, Math.max(batchSize, BatchWriter.sizeAlone(null, null, List.of())));
        this.batchSize = batchSize;
    }

    int batchSize() {
        return batchSize;
    }

    /**
     * Appends to the partition's open batch, or to a new batch whose buffer may block up to
     * {@code maxBlockMs} for memory. With {@code abortOnNewBatch} it returns instead of starting a
     * batch, so a sticky partitioner can switch partitions first.
     */
    AppendResult append(TopicPartition tp, long timestamp, byte[] key, byte[] value, List<Header> headers,
                        Callback callback, long maxBlockMs, boolean abortOnNewBatch) throws InterruptedException {
        Deque<ProducerBatch> deque = batches.computeIfAbsent(tp, k -> new ArrayDeque<>());
        synchronized (deque) {
            AppendResult appended = tryAppend(deque, timestamp, key, value, headers, callback);
            if (appended != null) {
                return appended;
            }
        }
        if (abortOnNewBatch) {
            return new AppendResult(null, false, false, true);
        }
        int size = Math.max(batchSize, BatchWriter.sizeAlone(key, value, headers));
        ByteBuffer buffer = pool.allocate(size, maxBlockMs);
        synchronized (deque) {
            AppendResult appended = tryAppend(deque, timestamp, key, value, headers, callback);
            if (appended != null) {
                pool.deallocate(buffer); // another thread opened a batch while we waited for memory
                return appended;
            }
            ProducerBatch batch = new ProducerBatch(tp, buffer, clock.getAsLong(), this::completed);
            CompletableFuture<RecordMetadata> future = batch.tryAppend(timestamp, key, value, headers, callback);
            deque.addLast(batch);
            incomplete.add(batch);
            return new AppendResult(future, deque.size() > 1 || batch.isFull(batchSize), true, false);
        }
    }

    private AppendResult tryAppend(Deque<ProducerBatch> deque, long timestamp, byte[] key, byte[] value,
                                   List<Header> headers, Callback callback) {
        ProducerBatch last = deque.peekLast();
        if (last == null) {
            return null;
        }
        CompletableFuture<RecordMetadata> future = last.tryAppend(timestamp, key, value, headers, callback);
        if (future == null) {
            return null;
        }
        return new AppendResult(future, deque.size() > 1 || last.isFull(batchSize), false, false);
    }

    Map<TopicPartition, Deque<ProducerBatch>> deques() {
        return batches;
    }

    /** Puts a batch back for retry, ahead of newer batches and after retries of lower sequence. */
    void reenqueue(ProducerBatch batch) {
        Deque<ProducerBatch> deque = batches.computeIfAbsent(batch.partition, k -> new ArrayDeque<>());
        synchronized (deque) {
            List<ProducerBatch> earlier = new ArrayList<>();
            while (!deque.isEmpty() && deque.peekFirst().isClosed()
                    && deque.peekFirst().baseSequence < batch.baseSequence) {
                earlier.add(deque.pollFirst());
            }
            deque.addFirst(batch);
            for (int i = earlier.size() - 1; i >= 0; i--) {
                deque.addFirst(earlier.get(i));
            }
        }
    }

    private void completed(ProducerBatch batch) {
        incomplete.remove(batch);
        pool.deallocate(batch.buffer());
    }

    boolean hasIncomplete() {
        return !incomplete.isEmpty();
    }

    void beginFlush() {
        flushes.incrementAndGet();
    }

    void endFlush() {
        flushes.decrementAndGet();
    }

    /** True while someone flushes or the producer closes: every batch is ready at once. */
    boolean flushing() {
        return flushes.get() > 0 || closing;
    }

    void closing() {
        closing = true;
    }

    /** Waits for every batch that exists now. */
    void awaitIncomplete(long deadlineMs) throws InterruptedException {
        for (ProducerBatch batch : List.copyOf(incomplete)) {
            long left = deadlineMs - clock.getAsLong();
            if (left <= 0) {
                throw new TimeoutException("batches still incomplete");
            }
            try {
                batch.done.get(left, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // the batch's own futures carry the failure
            } catch (java.util.concurrent.TimeoutException e) {
                throw new TimeoutException("batches still incomplete");
            }
        }
    }

    /**
     * Fails every queued batch that was never sent (no sequence yet): its transaction is being
     * aborted, or the producer failed fatally. Batches waiting for a retry stay: their sequences are
     * taken, and they complete (or fail) before the transaction ends. I/O thread.
     */
    void abortUnsent(RuntimeException error) {
        List<ProducerBatch> aborted = new ArrayList<>();
        for (Deque<ProducerBatch> deque : batches.values()) {
            synchronized (deque) {
                deque.removeIf(batch -> {
                    if (batch.isClosed()) {
                        return false;
                    }
                    aborted.add(batch);
                    return true;
                });
            }
        }
        for (ProducerBatch batch : aborted) {
            batch.fail(error);
        }
    }

    /** Fails every batch not yet completed (forced close). I/O thread. */
    void abortAll(RuntimeException error) {
        for (Deque<ProducerBatch> deque : batches.values()) {
            synchronized (deque) {
                deque.clear();
            }
        }
        for (ProducerBatch batch : List.copyOf(incomplete)) {
            batch.fail(error);
        }
    }
}

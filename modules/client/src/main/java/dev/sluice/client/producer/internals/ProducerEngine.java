package dev.sluice.client.producer.internals;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.partition.Partitioner;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.ClientClosedException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.producer.Callback;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.RecordMetadata;
import dev.sluice.client.producer.partition.Partitioners;

import java.util.concurrent.CompletableFuture;

/**
 * Everything behind {@link dev.sluice.client.producer.SluiceProducer}: the application-thread
 * half of a send (metadata wait, partition choice, append) and the lifecycle of the I/O thread.
 */
public final class ProducerEngine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProducerEngine.class.getName());

    private final ProducerConfig config;
    private final NetworkClient network;
    private final Metadata metadata;
    private final RecordAccumulator accumulator;
    private final Sender sender;
    private final Partitioner partitioner;
    private final StickyPartitions sticky = new StickyPartitions();
    private volatile boolean closed;

    public ProducerEngine(ProducerConfig config) {
        this.config = config;
        this.partitioner = Partitioners.load(config.partitioner(), config.settings());
        CompressionCodec codec = config.codec(); // once: batches are compressed with this object, never looked up again
        this.network = new NetworkClient(config.client(), "sluice-producer-io-" + config.client().clientId());
        this.metadata = new Metadata(network, true);
        this.accumulator = new RecordAccumulator(config.bufferMemory(), config.batchSize(), network::clockMs);
        this.sender = new Sender(config, network, metadata, accumulator, codec);
        network.addTicker(metadata);
        network.addTicker(sender);
        network.start();
    }

    public Partitioner partitioner() {
        return partitioner;
    }

    public CompletableFuture<RecordMetadata> send(ProducerRecord record, Callback callback) {
        TransactionManager transactions = sender.transactions();
        if (transactions != null && !closed) {
            try {
                transactions.failIfNotReadyForSend();
            } catch (IllegalStateException e) {
                throw e; // a misuse (no transaction open), thrown as kafka-clients does
            } catch (RuntimeException e) {
                return failed(e, callback);
            }
        }
        try {
            if (closed) {
                throw new ClientClosedException("producer is closed");
            }
            return append(record, callback);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(new SluiceClientException("interrupted while sending", e), callback);
        } catch (RuntimeException e) {
            return failed(e, callback);
        }
    }

    private CompletableFuture<RecordMetadata> append(ProducerRecord record, Callback callback) throws InterruptedException {
        long deadline = network.clockMs() + config.maxBlockMs();
        String topic = record.topic();
        Cluster cluster = metadata.awaitTopic(topic, deadline);
        int partitions = cluster.partitionCount(topic);
        if (record.partition() != null && record.partition() >= partitions) {
            throw new SluiceClientException("partition " + record.partition() + " of topic " + topic
                    + " does not exist (it has " + partitions + ")");
        }
        int size = BatchWriter.sizeAlone(record.key(), record.value(), record.headers());
        if (size > config.maxRequestSize() || size > config.bufferMemory()) {
            throw new SluiceClientException("record of " + size + " bytes exceeds max.request.size="
                    + config.maxRequestSize() + " or buffer.memory=" + config.bufferMemory());
        }
        long timestamp = record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
        int partition;
        boolean stickyChoice = false;
        if (record.partition() != null) {
            partition = record.partition();
        } else {
            partition = partitioner.partition(topic, record.key(), record.value(), partitions);
            if (partition == Partitioner.NO_PREFERENCE) {
                partition = sticky.partition(topic, cluster);
                stickyChoice = true;
            } else if (partition < 0 || partition >= partitions) {
                throw new SluiceClientException("partitioner " + partitioner.name() + " chose partition "
                        + partition + " of " + partitions + " for topic " + topic);
            }
        }
        long blockLeft = Math.max(0, deadline - network.clockMs());
        joinTransaction(topic, partition);
        RecordAccumulator.AppendResult result = accumulator.append(new TopicPartition(topic, partition), timestamp,
                record.key(), record.value(), record.headers(), callback, blockLeft, stickyChoice);
        if (result.abortedForNewBatch()) {
            // the sticky partition's batch is full or gone: move on to another partition (KIP-480)
            int previous = partition;
            partitioner.onNewBatch(topic, previous);
            partition = sticky.next(topic, cluster, previous);
            blockLeft = Math.max(0, deadline - network.clockMs());
            joinTransaction(topic, partition);
            result = accumulator.append(new TopicPartition(topic, partition), timestamp, record.key(), record.value(),
                    record.headers(), callback, blockLeft, false);
        }
        if (result.batchFull() || result.newBatch()) {
            network.wakeup();
        }
        return result.future();
    }

    /** A transactional producer adds the partition to its transaction before the record joins a batch. */
    private void joinTransaction(String topic, int partition) {
        TransactionManager transactions = sender.transactions();
        if (transactions != null) {
            transactions.maybeAddPartition(new TopicPartition(topic, partition));
        }
    }

    // ---- transactions (application thread)

    public void initTransactions() {
        await(transactions("initTransactions").initTransactions(), "initTransactions");
    }

    public void beginTransaction() {
        transactions("beginTransaction").beginTransaction();
    }

    public void sendOffsetsToTransaction(java.util.Map<TopicPartition, dev.sluice.client.consumer.OffsetAndMetadata> offsets,
                                         dev.sluice.client.consumer.ConsumerGroupMetadata group) {
        if (group == null || group.groupId() == null || group.groupId().isEmpty()) {
            throw new IllegalArgumentException("sendOffsetsToTransaction needs the consumer's groupMetadata() with a group.id");
        }
        TransactionManager transactions = transactions("sendOffsetsToTransaction");
        if (offsets.isEmpty()) {
            return;
        }
        await(transactions.sendOffsets(offsets, group), "sendOffsetsToTransaction");
    }

    /**
     * Commits with EndTxn once every batch of the transaction has completed; meanwhile batches go out
     * without lingering. A batch failing meanwhile fails the commit (abortable), without waiting for
     * batches that can no longer be sent.
     */
    public void commitTransaction() {
        CompletableFuture<Void> result = transactions("commitTransaction").beginCommit();
        accumulator.beginFlush();
        try {
            await(result, "commitTransaction");
        } finally {
            accumulator.endFlush();
        }
    }

    /** Drops what was not sent, waits for what was, then aborts with EndTxn (and bumps the epoch after a failure). */
    public void abortTransaction() {
        await(transactions("abortTransaction").beginAbort(), "abortTransaction");
    }

    private TransactionManager transactions(String call) {
        if (closed) {
            throw new ClientClosedException("producer is closed");
        }
        TransactionManager transactions = sender.transactions();
        if (transactions == null) {
            throw new IllegalStateException(call + " needs transactional.id in the producer's configuration");
        }
        return transactions;
    }

    /** Waits up to max.block.ms; a timed-out call may be repeated and waits for the same request. */
    private void await(CompletableFuture<Void> result, String call) {
        network.wakeup();
        try {
            result.get(config.maxBlockMs(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new SluiceClientException(call + " failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException(call + " did not complete within max.block.ms=" + config.maxBlockMs()
                    + "; call it again to keep waiting");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceClientException("interrupted during " + call, e);
        }
    }

    private static CompletableFuture<RecordMetadata> failed(RuntimeException e, Callback callback) {
        if (callback != null) {
            try {
                callback.onCompletion(null, e);
            } catch (RuntimeException ignored) {
                // the failed future carries the error too
            }
        }
        return CompletableFuture.failedFuture(e);
    }

    /** Sends everything appended so far without lingering, and waits for all of it to complete. */
    public void flush() throws InterruptedException {
        accumulator.beginFlush();
        try {
            network.wakeup();
            accumulator.awaitIncomplete(Long.MAX_VALUE / 4);
        } finally {
            accumulator.endFlush();
        }
    }

    /** Sends what is pending for up to {@code timeoutMs}, then fails the rest and stops the I/O thread. */
    public void close(long timeoutMs) {
        if (closed) {
            return;
        }
        TransactionManager transactions = sender.transactions();
        long started = network.clockMs();
        if (transactions != null && transactions.hasOpenTransaction() && timeoutMs > 0) {
            // an open transaction is aborted on close, as kafka-clients does, rather than left to time out
            try {
                transactions.beginAbort().get(Math.min(timeoutMs, config.maxBlockMs()), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "abort on close failed: " + e);
            }
            timeoutMs = Math.max(0, timeoutMs - (network.clockMs() - started));
        }
        closed = true;
        accumulator.closing();
        network.wakeup();
        long deadline = network.clockMs() + Math.min(timeoutMs, Long.MAX_VALUE / 4);
        try {
            accumulator.awaitIncomplete(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "producer closed with records still unsent");
        }
        sender.forceClose();
        if (transactions != null) {
            transactions.close();
        }
        network.wakeup();
        network.close();
        accumulator.abortAll(new ClientClosedException("producer closed before the record was sent"));
    }

    @Override
    public void close() {
        close(Long.MAX_VALUE);
    }

    /** Test hook: drop every connection, as a broker or network failure would. */
    public void disconnectAll() {
        network.disconnectAll();
    }

    public dev.sluice.client.producer.ProducerMetrics metrics() {
        return sender.metrics();
    }
}

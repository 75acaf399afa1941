package dev.sluice.client.producer.internals;

import dev.sluice.api.compression.CompressionCodec;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.ClientClosedException;
import dev.sluice.client.NetworkException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.metadata.TopicInfo;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.client.network.RequestBuilder;
import dev.sluice.client.network.Response;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The producer's I/O-thread side (a {@link NetworkClient.Ticker}): gets a producer id, takes
 * batches that are full, lingered long enough, retrying or flushed, groups them per leader into
 * produce requests, and settles each batch from the response: complete, retry (after backoff and
 * a metadata refresh where the leader may have moved) or fail.
 */
final class Sender implements NetworkClient.Ticker {
    private static final System.Logger LOG = System.getLogger(Sender.class.getName());

    private final ProducerConfig config;
    private final NetworkClient network;
    private final Metadata metadata;
    private final RecordAccumulator accumulator;
    private final CompressionCodec codec;
    private final IdempotenceState idempotence;
    /** Null unless {@code transactional.id} is set. */
    private final TransactionManager transactions;
    private volatile boolean forceClosed;
    private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong retried = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();

    Sender(ProducerConfig config, NetworkClient network, Metadata metadata, RecordAccumulator accumulator,
           CompressionCodec codec) {
        this.config = config;
        this.network = network;
        this.metadata = metadata;
        this.accumulator = accumulator;
        this.codec = codec;
        this.idempotence = new IdempotenceState(config.idempotence());
        this.transactions = config.transactionalId() == null ? null
                : new TransactionManager(config.transactionalId(), config.transactionTimeoutMs(),
                config.client().retryBackoffMs(), config.client().requestTimeoutMs(), network, metadata, idempotence);
    }

    /** The transaction manager, or null for a producer without {@code transactional.id}. */
    TransactionManager transactions() {
        return transactions;
    }

    dev.sluice.client.producer.ProducerMetrics metrics() {
        return new dev.sluice.client.producer.ProducerMetrics(sent.get(), retried.get(), failed.get());
    }

    /** After this, nothing is retried and whatever is left fails. */
    void forceClose() {
        forceClosed = true;
    }

    @Override
    public long tick(long now) {
        if (forceClosed) {
            accumulator.abortAll(new ClientClosedException("producer closed before the record was sent"));
            return Long.MAX_VALUE;
        }
        long next = expire(now);
        if (transactions != null) {
            next = Math.min(next, tickTransactions(now));
            if (!transactions.hasProducerId()) {
                return next;
            }
        } else if (!idempotence.ready()) {
            return Math.min(next, initProducerId(now));
        }
        Cluster cluster = metadata.cluster();
        Map<Node, Boolean> readiness = new HashMap<>();
        Map<Node, List<ProducerBatch>> drained = new LinkedHashMap<>();
        Map<Node, Integer> sizes = new HashMap<>();
        boolean unknownLeader = false;
        boolean more = false;
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> entry : accumulator.deques().entrySet()) {
            TopicPartition tp = entry.getKey();
            Deque<ProducerBatch> deque = entry.getValue();
            synchronized (deque) {
                ProducerBatch head = deque.peekFirst();
                if (head == null) {
                    continue;
                }
                Node leader = cluster.leader(tp.topic(), tp.partition());
                if (leader == null) {
                    unknownLeader = true;
                    continue;
                }
                if (head.retryAtMs > now) {
                    next = Math.min(next, head.retryAtMs - now);
                    continue;
                }
                boolean sendable = deque.size() > 1 || head.isClosed() || head.isFull(accumulator.batchSize())
                        || accumulator.flushing() || now - head.createdMs >= config.lingerMs();
                if (!sendable) {
                    next = Math.min(next, head.createdMs + config.lingerMs() - now);
                    continue;
                }
                if (transactions != null && !transactions.isSendToPartitionAllowed(tp)) {
                    continue; // woken when AddPartitionsToTxn has added it
                }
                if (!idempotence.canSend(tp, head)) {
                    continue; // woken again when its in-flight batches return
                }
                if (!readiness.computeIfAbsent(leader, n -> network.ready(n, config.client().maxInFlightPerConnection()))) {
                    next = Math.min(next, config.client().retryBackoffMs());
                    continue;
                }
                int size = sizes.getOrDefault(leader, 0);
                if (size > 0 && size + head.sizeInBytes() > config.maxRequestSize()) {
                    more = true;
                    continue;
                }
                deque.pollFirst();
                if (!head.isClosed()) {
                    head.close(codec, idempotence.producerId(), idempotence.epoch(),
                            idempotence.assignSequence(tp, head.recordCount()), transactions != null);
                }
                drained.computeIfAbsent(leader, n -> new ArrayList<>()).add(head);
                sizes.put(leader, size + head.sizeInBytes());
                more |= !deque.isEmpty();
            }
        }
        if (unknownLeader) {
            metadata.requestUpdate();
            next = Math.min(next, config.client().retryBackoffMs());
        }
        drained.forEach((node, batches) -> send(node, batches, cluster));
        return more ? 0 : next;
    }

    /**
     * The transactional side of a tick: while aborting (or in an error state) batches never sent
     * fail at once; then the next transactional request, EndTxn only once no batch is incomplete.
     */
    private long tickTransactions(long now) {
        RuntimeException unsent = transactions.errorForUnsent();
        if (unsent != null) {
            accumulator.abortUnsent(unsent);
        }
        return transactions.tick(now, accumulator.hasIncomplete());
    }

    /** Fails queued batches older than delivery.timeout.ms; returns ms until the next may expire. */
    private long expire(long now) {
        long next = Long.MAX_VALUE;
        for (Deque<ProducerBatch> deque : accumulator.deques().values()) {
            List<ProducerBatch> expired = new ArrayList<>();
            synchronized (deque) {
                for (Iterator<ProducerBatch> it = deque.iterator(); it.hasNext(); ) {
                    ProducerBatch batch = it.next();
                    long deadline = batch.createdMs + config.deliveryTimeoutMs();
                    if (deadline <= now) {
                        it.remove();
                        expired.add(batch);
                    } else {
                        next = Math.min(next, deadline - now);
                    }
                }
            }
            for (ProducerBatch batch : expired) {
                if (transactions != null) {
                    transactions.batchFailed(new TimeoutException("delivery.timeout.ms passed"));
                } else if (batch.baseSequence >= 0) {
                    idempotence.requestReset();
                }
                batch.fail(new TimeoutException("expired " + batch.recordCount() + " record(s) for "
                        + batch.partition + ": delivery.timeout.ms=" + config.deliveryTimeoutMs() + " passed"));
            }
        }
        return next;
    }

    private long initProducerId(long now) {
        if (idempotence.initInFlight || now < idempotence.nextInitAttemptMs) {
            return idempotence.initInFlight ? Long.MAX_VALUE : idempotence.nextInitAttemptMs - now;
        }
        Node node = network.leastLoaded(metadata.knownNodes());
        if (node == null) {
            return config.client().retryBackoffMs();
        }
        idempotence.initInFlight = true;
        network.send(node, ApiKey.INIT_PRODUCER_ID, v -> ApiKey.INIT_PRODUCER_ID.newRequest()
                        .set("TransactionalId", null).set("TransactionTimeoutMs", 60_000))
                .whenComplete((response, error) -> {
                    idempotence.initInFlight = false;
                    short code = error == null ? response.body().getShort("ErrorCode") : -1;
                    if (error == null && code == 0) {
                        idempotence.producerId(response.body().getLong("ProducerId"),
                                response.body().getShort("ProducerEpoch"));
                        LOG.log(System.Logger.Level.DEBUG, () -> "producer id " + idempotence.producerId());
                    } else {
                        LOG.log(System.Logger.Level.DEBUG, () -> "InitProducerId failed: "
                                + (error != null ? error.getMessage() : Errors.forCode(code)));
                        idempotence.nextInitAttemptMs = network.clockMs() + config.client().retryBackoffMs();
                    }
                });
        return Long.MAX_VALUE;
    }

    private void send(Node node, List<ProducerBatch> batches, Cluster cluster) {
        Map<String, UUID> topicIds = new HashMap<>();
        for (ProducerBatch batch : batches) {
            TopicInfo topic = cluster.topic(batch.partition.topic());
            topicIds.put(batch.partition.topic(), topic == null ? null : topic.id());
            batch.inFlight = true;
            batch.attempts++;
            sent.incrementAndGet();
            idempotence.sent(batch.partition);
        }
        boolean acked = config.acks().wireValue() != 0;
        RequestBuilder build = v -> ProduceRequests.build(v, config, batches, topicIds);
        if (transactions != null) { // v12+ would announce transactions v2 (KIP-890), which this producer does not speak
            build = RequestBuilder.capped(TxnRequests.TRANSACTIONAL_PRODUCE_MAX_VERSION, build);
        }
        network.send(node, ApiKey.PRODUCE, build, config.client().requestTimeoutMs(), acked)
                .whenComplete((response, error) -> completed(batches, topicIds, response, error));
    }

    private void completed(List<ProducerBatch> batches, Map<String, UUID> topicIds, Response response, Throwable error) {
        if (error != null) {
            SluiceClientException cause = error instanceof SluiceClientException s ? s
                    : new SluiceClientException("produce failed: " + error, error);
            for (ProducerBatch batch : batches) {
                failed(batch, null, cause);
            }
            return;
        }
        if (response.body() == null) { // acks=0: written is all we will ever know
            for (ProducerBatch batch : batches) {
                settled(batch);
                batch.complete(-1, -1);
            }
            return;
        }
        Map<ProducerBatch, Struct> results = ProduceRequests.match(response, batches, topicIds);
        for (ProducerBatch batch : batches) {
            Struct result = results.get(batch);
            short code = result == null ? Errors.UNKNOWN_SERVER_ERROR.code() : result.getShort("ErrorCode");
            if (code == 0) {
                settled(batch);
                idempotence.acked(batch);
                batch.complete(result.getLong("BaseOffset"), result.getLong("LogAppendTimeMs"));
            } else {
                String message = result != null && response.version() >= 8 ? result.getString("ErrorMessage") : null;
                failed(batch, Errors.forCode(code), ErrorMapper.toException(code, message));
            }
        }
    }

    private void settled(ProducerBatch batch) {
        batch.inFlight = false;
        idempotence.returned(batch.partition);
    }

    private void failed(ProducerBatch batch, Errors error, SluiceClientException cause) {
        settled(batch);
        if (forceClosed) {
            batch.fail(new ClientClosedException("producer closed before the record was acknowledged"));
            return;
        }
        if (error == Errors.DUPLICATE_SEQUENCE_NUMBER) {
            batch.complete(-1, -1); // an earlier attempt of this very batch was written
            return;
        }
        boolean retriable = cause.isRetriable()
                || (error == Errors.OUT_OF_ORDER_SEQUENCE_NUMBER && idempotence.earlierBatchPending(batch));
        if (cause instanceof NetworkException || error == Errors.NOT_LEADER_OR_FOLLOWER
                || error == Errors.UNKNOWN_TOPIC_OR_PARTITION || error == Errors.LEADER_NOT_AVAILABLE
                || error == Errors.UNKNOWN_TOPIC_ID || error == Errors.FENCED_LEADER_EPOCH) {
            metadata.requestUpdate();
        }
        long now = network.clockMs();
        if (retriable && batch.attempts <= config.retries() && now - batch.createdMs < config.deliveryTimeoutMs()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "retrying batch for " + batch.partition + " (attempt "
                    + batch.attempts + "): " + cause.getMessage());
            retried.incrementAndGet();
            batch.retryAtMs = now + config.client().retryBackoffMs();
            accumulator.reenqueue(batch);
            return;
        }
        if (transactions != null) {
            transactions.batchFailed(cause);
        } else if (batch.baseSequence >= 0) {
            idempotence.requestReset();
        }
        failed.incrementAndGet();
        batch.fail(cause);
    }
}

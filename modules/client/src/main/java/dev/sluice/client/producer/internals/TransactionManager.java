package dev.sluice.client.producer.internals;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.ClientClosedException;
import dev.sluice.client.consumer.ConsumerGroupMetadata;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.client.network.RequestBuilder;
import dev.sluice.client.network.Response;
import dev.sluice.client.producer.InvalidProducerEpochException;
import dev.sluice.client.producer.ProducerFencedException;
import dev.sluice.client.producer.TransactionAbortedException;
import dev.sluice.client.producer.TransactionStateException;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The transactional producer's state machine ({@link TxnState}) and its requests to the transaction
 * coordinator (FindCoordinator key type 1, InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn,
 * EndTxn) and to the group coordinator (TxnOffsetCommit), Kafka's transactions v1 protocol.
 *
 * <p>Requests go one at a time, in priority order: InitProducerId, then adding partitions and
 * offsets, then EndTxn, which waits until every batch of the transaction has completed; an epoch
 * bump after an aborted, failed transaction (KIP-360) comes last. A partition's batches are sent
 * only once AddPartitionsToTxn added it. Responses are classified by {@link TxnResponses}.
 *
 * <p>Threads: the application thread calls {@link #initTransactions}, {@link #beginTransaction},
 * {@link #maybeAddPartition}, {@link #sendOffsets}, {@link #beginCommit}, {@link #beginAbort};
 * the I/O thread calls {@link #tick}, {@link #batchFailed} and the sender's queries and completes
 * the requests. Every method is synchronized on this; the futures handed out complete on the I/O thread.
 */
final class TransactionManager {
    private static final System.Logger LOG = System.getLogger(TransactionManager.class.getName());

    private final String transactionalId;
    private final int transactionTimeoutMs;
    private final long retryBackoffMs;
    private final int requestTimeoutMs;
    private final NetworkClient network;
    private final Metadata metadata;
    private final IdempotenceState idempotence;

    private TxnState state = TxnState.UNINITIALIZED;
    private RuntimeException lastError;
    private long producerId = RecordBatch.NO_PRODUCER_ID;
    private short epoch = RecordBatch.NO_PRODUCER_EPOCH;
    private final TxnCoordinators coordinators = new TxnCoordinators();
    private final Set<TopicPartition> newPartitions = new HashSet<>();
    private final Set<TopicPartition> pendingPartitions = new HashSet<>();
    private final Set<TopicPartition> partitionsInTransaction = new HashSet<>();
    private boolean transactionStarted;
    private boolean epochBumpRequired;
    private final PriorityQueue<TxnCall> queue = new PriorityQueue<>(
            Comparator.comparing((TxnCall c) -> c.priority).thenComparingLong(c -> c.order));
    private long nextOrder;
    private boolean inFlight;
    private long nextAttemptMs;
    /** The result of the last initTransactions, commit or abort, so a call retried after a timeout waits on the same. */
    private CompletableFuture<Void> pendingResult;

    TransactionManager(String transactionalId, int transactionTimeoutMs, long retryBackoffMs, int requestTimeoutMs,
                       NetworkClient network, Metadata metadata, IdempotenceState idempotence) {
        this.transactionalId = transactionalId;
        this.transactionTimeoutMs = transactionTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
        this.requestTimeoutMs = requestTimeoutMs;
        this.network = network;
        this.metadata = metadata;
        this.idempotence = idempotence;
    }

    String transactionalId() {
        return transactionalId;
    }

    int transactionTimeoutMs() {
        return transactionTimeoutMs;
    }

    synchronized long producerId() {
        return producerId;
    }

    synchronized short epoch() {
        return epoch;
    }

    // ---- application thread

    synchronized CompletableFuture<Void> initTransactions() {
        if (state == TxnState.INITIALIZING && pendingResult != null) {
            return pendingResult; // the earlier call timed out: wait for the same request
        }
        transitionTo(TxnState.INITIALIZING, null);
        pendingResult = enqueue(new TxnCalls.InitProducerId(this, false)).result;
        return pendingResult;
    }

    synchronized void beginTransaction() {
        failIfError();
        if (state != TxnState.READY) {
            throw new IllegalStateException(state == TxnState.UNINITIALIZED || state == TxnState.INITIALIZING
                    ? "call initTransactions() before beginTransaction()"
                    : "a transaction is already open (" + state + "): commit or abort it first");
        }
        transitionTo(TxnState.IN_TRANSACTION, null);
    }

    /** Throws unless a record may be sent now: a transaction is open and no error is pending. */
    synchronized void failIfNotReadyForSend() {
        failIfError();
        if (producerId == RecordBatch.NO_PRODUCER_ID) {
            throw new IllegalStateException("call initTransactions() before sending with transactional.id=" + transactionalId);
        }
        if (state != TxnState.IN_TRANSACTION) {
            throw new IllegalStateException("send outside a transaction (" + state + "): call beginTransaction() first");
        }
    }

    /** The partition joins the transaction before its first batch goes out. */
    synchronized void maybeAddPartition(TopicPartition tp) {
        if (!partitionsInTransaction.contains(tp) && !pendingPartitions.contains(tp)) {
            newPartitions.add(tp);
        }
    }

    synchronized CompletableFuture<Void> sendOffsets(Map<TopicPartition, OffsetAndMetadata> offsets,
                                                     ConsumerGroupMetadata group) {
        failIfError();
        if (state != TxnState.IN_TRANSACTION) {
            throw new IllegalStateException("sendOffsetsToTransaction outside a transaction (" + state
                    + "): call beginTransaction() first");
        }
        return enqueue(new TxnCalls.AddOffsets(this, Map.copyOf(offsets), group)).result;
    }

    /** Ends the transaction with a commit, once its batches have completed. */
    synchronized CompletableFuture<Void> beginCommit() {
        if (state == TxnState.COMMITTING && pendingResult != null) {
            return pendingResult;
        }
        failIfError();
        if (state != TxnState.IN_TRANSACTION) {
            throw new IllegalStateException("no transaction to commit (" + state + "): call beginTransaction() first");
        }
        transitionTo(TxnState.COMMITTING, null);
        pendingResult = enqueue(new TxnCalls.EndTxn(this, true)).result;
        return pendingResult;
    }

    /**
     * Ends the transaction with an abort: what was not sent fails (the sender drops it), what was
     * sent completes first. Clears an abortable error; after a failed batch the epoch is bumped.
     */
    synchronized CompletableFuture<Void> beginAbort() {
        if (state == TxnState.ABORTING && pendingResult != null) {
            return pendingResult;
        }
        if (state != TxnState.ABORTABLE_ERROR) {
            failIfError();
        }
        if (state != TxnState.IN_TRANSACTION && state != TxnState.ABORTABLE_ERROR) {
            throw new IllegalStateException("no transaction to abort (" + state + "): call beginTransaction() first");
        }
        // the coordinator no longer knows this producer id: EndTxn would be refused, go straight to a new epoch
        boolean unknownMapping = lastError instanceof dev.sluice.client.ApiException api
                && api.errorCode() == Errors.INVALID_PRODUCER_ID_MAPPING.code();
        transitionTo(TxnState.ABORTING, null);
        newPartitions.clear();
        CompletableFuture<Void> result = unknownMapping ? null : enqueue(new TxnCalls.EndTxn(this, false)).result;
        if (epochBumpRequired || unknownMapping) {
            result = enqueue(new TxnCalls.InitProducerId(this, true)).result;
        }
        pendingResult = result;
        return result;
    }

    /** A transaction is open or failing: closing the producer aborts it. */
    synchronized boolean hasOpenTransaction() {
        return state == TxnState.IN_TRANSACTION || state == TxnState.ABORTABLE_ERROR;
    }

    // ---- the sender (I/O thread)

    synchronized boolean hasProducerId() {
        return producerId != RecordBatch.NO_PRODUCER_ID && state != TxnState.INITIALIZING;
    }

    synchronized boolean isSendToPartitionAllowed(TopicPartition tp) {
        return state != TxnState.FATAL_ERROR && partitionsInTransaction.contains(tp);
    }

    synchronized boolean isAborting() {
        return state == TxnState.ABORTING;
    }

    /**
     * What batches never sent fail with now, or null: the error of an error state (they could only
     * wait for the abort, and a flush would wait for them), or a {@link TransactionAbortedException}
     * while aborting (Kafka's sender does the same).
     */
    synchronized RuntimeException errorForUnsent() {
        if (state == TxnState.FATAL_ERROR || state == TxnState.ABORTABLE_ERROR) {
            return lastError;
        }
        return state == TxnState.ABORTING ? new TransactionAbortedException("the transaction of transactional.id "
                + transactionalId + " was aborted before this record was sent") : null;
    }

    /** A batch of the transaction failed for good (not by an abort). */
    synchronized void batchFailed(RuntimeException cause) {
        TxnOutcome outcome = TxnResponses.batchFailed(cause);
        if (outcome instanceof TxnOutcome.Fatal fatal) {
            toFatal(fatal.error());
        } else if (outcome instanceof TxnOutcome.Abortable abortable) {
            if (abortable.bumpEpoch() && !state.isCompleting()) {
                epochBumpRequired = true;
            }
            toAbortable(abortable.error());
        }
    }

    /**
     * Sends the next transactional request if none is in flight; returns how long it may sleep.
     * {@code batchesIncomplete}: some batch has not completed yet, so EndTxn must wait.
     */
    synchronized long tick(long now, boolean batchesIncomplete) {
        if (inFlight) {
            return Long.MAX_VALUE;
        }
        if (now < nextAttemptMs) {
            return nextAttemptMs - now;
        }
        if (!newPartitions.isEmpty()) {
            enqueue(new TxnCalls.AddPartitions(this, Set.copyOf(newPartitions)));
            pendingPartitions.addAll(newPartitions);
            newPartitions.clear();
        }
        while (true) {
            TxnCall call = queue.peek();
            if (call == null) {
                return Long.MAX_VALUE;
            }
            if (call instanceof TxnCalls.EndTxn && batchesIncomplete) {
                return Long.MAX_VALUE; // the sender ticks again as batches complete
            }
            if (state.isError()) { // e.g. a commit waiting for its batches when one failed
                queue.remove(call);
                call.result.completeExceptionally(stateError());
                continue;
            }
            if (call instanceof TxnCalls.EndTxn && !transactionStarted) {
                queue.remove(call); // nothing reached the coordinator: nothing to end there
                completeTransaction();
                call.result.complete(null);
                continue;
            }
            Node node = coordinators.of(call);
            if (node == null) {
                findCoordinator(call, now);
            } else {
                send(call, node);
            }
            return Long.MAX_VALUE;
        }
    }

    /** Fails everything pending (the producer closes). */
    synchronized void close() {
        ClientClosedException closed = new ClientClosedException("producer closed");
        for (TxnCall call : queue) {
            call.result.completeExceptionally(closed);
        }
        queue.clear();
        if (pendingResult != null) {
            pendingResult.completeExceptionally(closed);
        }
    }

    // ---- requests

    synchronized TxnCall enqueue(TxnCall call) {
        call.order = nextOrder++;
        queue.add(call);
        network.wakeup();
        return call;
    }

    private void findCoordinator(TxnCall call, long now) {
        Node via = network.leastLoaded(metadata.knownNodes());
        if (via == null) {
            nextAttemptMs = now + retryBackoffMs;
            return;
        }
        byte type = call.coordinatorType();
        String key = call.coordinatorKey();
        inFlight = true;
        network.send(via, ApiKey.FIND_COORDINATOR, v -> TxnRequests.findCoordinator(v, type, key), requestTimeoutMs, true)
                .whenComplete((response, error) -> found(call, response, error));
    }

    private synchronized void found(TxnCall call, Response response, Throwable error) {
        inFlight = false;
        if (error != null) {
            failedToSend(call, error, false);
            return;
        }
        TxnResponses.Coordinator found = TxnResponses.findCoordinator(response.body(), response.version(), call.coordinatorKey());
        if (found.outcome() instanceof TxnOutcome.Done) {
            Node node = new Node(found.nodeId(), found.host(), found.port());
            coordinators.found(call, node);
            LOG.log(System.Logger.Level.DEBUG, () -> "transactional.id " + transactionalId + ": coordinator for "
                    + call.coordinatorKey() + " is " + node);
            network.wakeup();
        } else {
            apply(call, found.outcome());
        }
    }

    private void send(TxnCall call, Node node) {
        inFlight = true;
        network.send(node, call.api(), RequestBuilder.capped(call.maxVersion(), call::build), requestTimeoutMs, true)
                .whenComplete((response, error) -> completed(call, response, error));
    }

    private synchronized void completed(TxnCall call, Response response, Throwable error) {
        inFlight = false;
        if (error != null) {
            failedToSend(call, error, true);
            return;
        }
        apply(call, call.handle(response.body(), response.version()));
    }

    /** A disconnect or timeout: look the coordinator up again and retry; a closed client fails everything. */
    private void failedToSend(TxnCall call, Throwable error, boolean coordinatorMayHaveMoved) {
        if (error instanceof ClientClosedException) {
            close();
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> call.api().apiName() + " for transactional.id " + transactionalId
                + " failed, retrying: " + error.getMessage());
        if (coordinatorMayHaveMoved) {
            coordinators.forget(call);
        }
        nextAttemptMs = network.clockMs() + retryBackoffMs;
        network.wakeup();
    }

    private void apply(TxnCall call, TxnOutcome outcome) {
        if (outcome instanceof TxnOutcome.Done) {
            queue.remove(call);
            call.succeeded();
        } else if (outcome instanceof TxnOutcome.Retry retry) {
            if (retry.findCoordinator()) {
                coordinators.forget(call);
            }
            nextAttemptMs = network.clockMs() + (retry.backoffMs() < 0 ? retryBackoffMs : retry.backoffMs());
        } else if (outcome instanceof TxnOutcome.Abortable abortable) {
            queue.remove(call);
            call.failed();
            if (abortable.bumpEpoch()) {
                epochBumpRequired = true;
            }
            call.result.completeExceptionally(abortable.error());
            toAbortable(abortable.error());
        } else if (outcome instanceof TxnOutcome.Fatal fatal) {
            queue.remove(call);
            call.failed();
            call.result.completeExceptionally(fatal.error());
            toFatal(fatal.error());
        }
        network.wakeup();
    }

    // ---- state

    private void transitionTo(TxnState target, RuntimeException error) {
        if (!state.canMoveTo(target)) {
            throw new IllegalStateException("transactional.id " + transactionalId + ": cannot go from " + state
                    + " to " + target);
        }
        lastError = error;
        LOG.log(System.Logger.Level.DEBUG, () -> "transactional.id " + transactionalId + ": " + state + " -> " + target
                + (error == null ? "" : " (" + error.getMessage() + ")"));
        state = target;
    }

    private void toAbortable(RuntimeException error) {
        if (state == TxnState.ABORTING || state == TxnState.FATAL_ERROR || !state.canMoveTo(TxnState.ABORTABLE_ERROR)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "transactional.id " + transactionalId + ": " + state
                    + ", not moving to ABORTABLE_ERROR for " + error.getMessage());
            return;
        }
        transitionTo(TxnState.ABORTABLE_ERROR, error);
    }

    private void toFatal(RuntimeException error) {
        transitionTo(TxnState.FATAL_ERROR, error);
        for (TxnCall call : List.copyOf(queue)) {
            call.result.completeExceptionally(error);
        }
        queue.clear();
        if (pendingResult != null) {
            pendingResult.completeExceptionally(error);
        }
    }

    private void failIfError() {
        if (state.isError()) {
            throw stateError();
        }
    }

    /** The exception a call gets in an error state: Kafka's types for fencing and epochs, else one naming the fix. */
    private RuntimeException stateError() {
        boolean fatal = state == TxnState.FATAL_ERROR;
        if (lastError instanceof ProducerFencedException) {
            return new ProducerFencedException("the producer with transactional.id " + transactionalId
                    + " was fenced by a newer one with the same id: close it");
        }
        if (lastError instanceof InvalidProducerEpochException && !fatal) {
            return new InvalidProducerEpochException("the transaction of transactional.id " + transactionalId
                    + " was refused for its old producer epoch " + epoch + ": call abortTransaction()");
        }
        return new TransactionStateException(fatal
                ? "the producer with transactional.id " + transactionalId + " failed and cannot go on: close it"
                : "the transaction of transactional.id " + transactionalId + " failed: call abortTransaction(), then begin a new one",
                fatal, lastError);
    }

    // ---- what the calls' answers change (I/O thread, under this lock)

    /** InitProducerId answered: sequences start again under the new id or epoch. */
    synchronized void producerIdAssigned(long id, short newEpoch) {
        producerId = id;
        epoch = newEpoch;
        idempotence.restart(id, newEpoch);
        epochBumpRequired = false;
        transitionTo(TxnState.READY, null);
        LOG.log(System.Logger.Level.DEBUG, () -> "transactional.id " + transactionalId + ": producer id " + id
                + " epoch " + newEpoch);
    }

    /** No partition was added to this transaction yet. */
    synchronized boolean noPartitionAdded() {
        return partitionsInTransaction.isEmpty();
    }

    synchronized void partitionsAdded(Set<TopicPartition> partitions) {
        pendingPartitions.removeAll(partitions);
        partitionsInTransaction.addAll(partitions);
        transactionStarted = true;
    }

    /** Their batches wait for the abort, which drops them. */
    synchronized void partitionsNotAdded(Set<TopicPartition> partitions) {
        pendingPartitions.removeAll(partitions);
    }

    /** Something reached the coordinator: EndTxn must be sent. */
    synchronized void transactionStarted() {
        transactionStarted = true;
    }

    /** EndTxn done: a new transaction may begin (after the epoch bump if one is due). */
    synchronized void completeTransaction() {
        transitionTo(epochBumpRequired ? TxnState.INITIALIZING : TxnState.READY, null);
        transactionStarted = false;
        newPartitions.clear();
        pendingPartitions.clear();
        partitionsInTransaction.clear();
    }
}

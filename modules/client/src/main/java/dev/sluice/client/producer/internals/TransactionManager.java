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
import dev.sluice.client.producer.TransactionStateException;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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

    private enum Priority { INIT_PRODUCER_ID, ADD_PARTITIONS_OR_OFFSETS, END_TXN, EPOCH_BUMP }

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
    private Node transactionCoordinator;
    private final Map<String, Node> groupCoordinators = new HashMap<>();
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

    // ---- application thread

    synchronized CompletableFuture<Void> initTransactions() {
        if (state == TxnState.INITIALIZING && pendingResult != null) {
            return pendingResult; // the earlier call timed out: wait for the same request
        }
        transitionTo(TxnState.INITIALIZING, null);
        pendingResult = enqueue(new InitProducerId(false)).result;
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
        return enqueue(new AddOffsets(Map.copyOf(offsets), group)).result;
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
        pendingResult = enqueue(new EndTxn(true)).result;
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
        CompletableFuture<Void> result = unknownMapping ? null : enqueue(new EndTxn(false)).result;
        if (epochBumpRequired || unknownMapping) {
            result = enqueue(new InitProducerId(true)).result;
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

    /** The fatal error, or null: the sender fails whatever is left with it. */
    synchronized RuntimeException fatalError() {
        return state == TxnState.FATAL_ERROR ? lastError : null;
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
            enqueue(new AddPartitions(Set.copyOf(newPartitions)));
            pendingPartitions.addAll(newPartitions);
            newPartitions.clear();
        }
        while (true) {
            TxnCall call = queue.peek();
            if (call == null) {
                return Long.MAX_VALUE;
            }
            if (call instanceof EndTxn && batchesIncomplete) {
                return Long.MAX_VALUE; // the sender ticks again as batches complete
            }
            if (state.isError()) {
                queue.remove(call);
                call.result.completeExceptionally(lastError);
                continue;
            }
            if (call instanceof EndTxn && !transactionStarted) {
                queue.remove(call); // nothing reached the coordinator: nothing to end there
                completeTransaction();
                call.result.complete(null);
                continue;
            }
            Node node = coordinator(call);
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

    private TxnCall enqueue(TxnCall call) {
        call.order = nextOrder++;
        queue.add(call);
        network.wakeup();
        return call;
    }

    private Node coordinator(TxnCall call) {
        return call.coordinatorType() == TxnRequests.TRANSACTION ? transactionCoordinator
                : groupCoordinators.get(call.coordinatorKey());
    }

    private void forgetCoordinator(TxnCall call) {
        if (call.coordinatorType() == TxnRequests.TRANSACTION) {
            transactionCoordinator = null;
        } else {
            groupCoordinators.remove(call.coordinatorKey());
        }
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
            if (call.coordinatorType() == TxnRequests.TRANSACTION) {
                transactionCoordinator = node;
            } else {
                groupCoordinators.put(call.coordinatorKey(), node);
            }
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
            forgetCoordinator(call);
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
                forgetCoordinator(call);
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
        if (!state.isError()) {
            return;
        }
        boolean fatal = state == TxnState.FATAL_ERROR;
        if (lastError instanceof ProducerFencedException) {
            throw new ProducerFencedException("the producer with transactional.id " + transactionalId
                    + " was fenced by a newer one with the same id: close it");
        }
        if (lastError instanceof InvalidProducerEpochException && !fatal) {
            throw new InvalidProducerEpochException("the transaction of transactional.id " + transactionalId
                    + " was refused for its old producer epoch " + epoch + ": call abortTransaction()");
        }
        throw new TransactionStateException(fatal
                ? "the producer with transactional.id " + transactionalId + " failed and cannot go on: close it"
                : "the transaction of transactional.id " + transactionalId + " failed: call abortTransaction(), then begin a new one",
                fatal, lastError);
    }

    /** EndTxn done: a new transaction may begin (after the epoch bump if one is due). */
    private void completeTransaction() {
        transitionTo(epochBumpRequired ? TxnState.INITIALIZING : TxnState.READY, null);
        transactionStarted = false;
        newPartitions.clear();
        pendingPartitions.clear();
        partitionsInTransaction.clear();
    }

    /** One transactional request: what it says, where it goes, and what its success changes. */
    private abstract class TxnCall {
        final Priority priority;
        final CompletableFuture<Void> result;
        long order;

        TxnCall(Priority priority, CompletableFuture<Void> result) {
            this.priority = priority;
            this.result = result;
        }

        abstract ApiKey api();

        abstract Struct build(short version);

        abstract TxnOutcome handle(Struct body, short version);

        short maxVersion() {
            return Short.MAX_VALUE;
        }

        byte coordinatorType() {
            return TxnRequests.TRANSACTION;
        }

        String coordinatorKey() {
            return transactionalId;
        }

        /** On Done; completes {@link #result} unless more requests follow. */
        void succeeded() {
            result.complete(null);
        }

        /** On an abortable or fatal answer, before the state changes. */
        void failed() {
        }
    }

    private final class InitProducerId extends TxnCall {
        private final boolean bump;

        InitProducerId(boolean bump) {
            super(bump ? Priority.EPOCH_BUMP : Priority.INIT_PRODUCER_ID, new CompletableFuture<>());
            this.bump = bump;
        }

        @Override
        ApiKey api() {
            return ApiKey.INIT_PRODUCER_ID;
        }

        @Override
        Struct build(short version) {
            return bump ? TxnRequests.initProducerId(version, transactionalId, transactionTimeoutMs, producerId, epoch)
                    : TxnRequests.initProducerId(version, transactionalId, transactionTimeoutMs,
                    RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }

        private long newId;
        private short newEpoch;

        @Override
        TxnOutcome handle(Struct body, short version) {
            newId = body.getLong("ProducerId");
            newEpoch = body.getShort("ProducerEpoch");
            return TxnResponses.initProducerId(body);
        }

        @Override
        void succeeded() {
            producerId = newId;
            epoch = newEpoch;
            idempotence.restart(newId, newEpoch); // sequences start again at 0 under the new epoch
            epochBumpRequired = false;
            transitionTo(TxnState.READY, null);
            LOG.log(System.Logger.Level.DEBUG, () -> "transactional.id " + transactionalId + ": producer id "
                    + newId + " epoch " + newEpoch);
            result.complete(null);
        }
    }

    private final class AddPartitions extends TxnCall {
        private final Set<TopicPartition> partitions;

        AddPartitions(Set<TopicPartition> partitions) {
            super(Priority.ADD_PARTITIONS_OR_OFFSETS, new CompletableFuture<>());
            this.partitions = partitions;
        }

        @Override
        ApiKey api() {
            return ApiKey.ADD_PARTITIONS_TO_TXN;
        }

        @Override
        short maxVersion() {
            return TxnRequests.ADD_PARTITIONS_MAX_VERSION;
        }

        @Override
        Struct build(short version) {
            return TxnRequests.addPartitions(transactionalId, producerId, epoch, partitions);
        }

        @Override
        TxnOutcome handle(Struct body, short version) {
            return TxnResponses.addPartitions(body, partitionsInTransaction.isEmpty());
        }

        @Override
        void succeeded() {
            pendingPartitions.removeAll(partitions);
            partitionsInTransaction.addAll(partitions);
            transactionStarted = true;
            result.complete(null);
        }

        @Override
        void failed() {
            // their batches wait for the abort, which drops them
            pendingPartitions.removeAll(partitions);
        }
    }

    private final class AddOffsets extends TxnCall {
        private final Map<TopicPartition, OffsetAndMetadata> offsets;
        private final ConsumerGroupMetadata group;

        AddOffsets(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            super(Priority.ADD_PARTITIONS_OR_OFFSETS, new CompletableFuture<>());
            this.offsets = offsets;
            this.group = group;
        }

        @Override
        ApiKey api() {
            return ApiKey.ADD_OFFSETS_TO_TXN;
        }

        @Override
        Struct build(short version) {
            return TxnRequests.addOffsets(transactionalId, producerId, epoch, group.groupId());
        }

        @Override
        TxnOutcome handle(Struct body, short version) {
            return TxnResponses.addOffsets(body, group.groupId());
        }

        @Override
        void succeeded() {
            transactionStarted = true;
            enqueue(new TxnOffsetCommit(offsets, group, result)); // the caller's result completes with the commit
        }
    }

    private final class TxnOffsetCommit extends TxnCall {
        private final Map<TopicPartition, OffsetAndMetadata> remaining;
        private final ConsumerGroupMetadata group;

        TxnOffsetCommit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group,
                        CompletableFuture<Void> result) {
            super(Priority.ADD_PARTITIONS_OR_OFFSETS, result);
            this.remaining = new LinkedHashMap<>(offsets);
            this.group = group;
        }

        @Override
        ApiKey api() {
            return ApiKey.TXN_OFFSET_COMMIT;
        }

        @Override
        byte coordinatorType() {
            return TxnRequests.GROUP;
        }

        @Override
        String coordinatorKey() {
            return group.groupId();
        }

        @Override
        Struct build(short version) {
            return TxnRequests.txnOffsetCommit(version, transactionalId, producerId, epoch, group, remaining);
        }

        @Override
        TxnOutcome handle(Struct body, short version) {
            TxnResponses.OffsetCommitResult answer = TxnResponses.txnOffsetCommit(body);
            remaining.keySet().removeAll(answer.committed());
            return remaining.isEmpty() && answer.outcome() instanceof TxnOutcome.Done ? TxnOutcome.DONE
                    : answer.outcome() instanceof TxnOutcome.Done ? TxnOutcome.Retry.later() : answer.outcome();
        }
    }

    private final class EndTxn extends TxnCall {
        private final boolean commit;

        EndTxn(boolean commit) {
            super(Priority.END_TXN, new CompletableFuture<>());
            this.commit = commit;
        }

        @Override
        ApiKey api() {
            return ApiKey.END_TXN;
        }

        @Override
        short maxVersion() {
            return TxnRequests.END_TXN_MAX_VERSION;
        }

        @Override
        Struct build(short version) {
            return TxnRequests.endTxn(transactionalId, producerId, epoch, commit);
        }

        @Override
        TxnOutcome handle(Struct body, short version) {
            return TxnResponses.endTxn(body);
        }

        @Override
        void succeeded() {
            completeTransaction();
            result.complete(null);
        }
    }
}

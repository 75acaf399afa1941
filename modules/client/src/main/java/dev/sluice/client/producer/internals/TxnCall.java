package dev.sluice.client.producer.internals;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.concurrent.CompletableFuture;

/**
 * One transactional request ({@link TxnCalls}): what it says, which coordinator it goes to, how its
 * answer is classified and what success changes in its {@link TransactionManager}.
 *
 * <p>Threads: created by the manager (under its lock) on any thread; built, handled and completed on
 * the I/O thread; {@link #result} is awaited by the application thread.
 */
abstract class TxnCall {
    /** The order requests go in: InitProducerId first, EndTxn after adds, an epoch bump last. */
    enum Priority { INIT_PRODUCER_ID, ADD_PARTITIONS_OR_OFFSETS, END_TXN, EPOCH_BUMP }

    final TransactionManager manager;
    final Priority priority;
    final CompletableFuture<Void> result;
    /** Ties within a priority go in the order enqueued. */
    long order;

    TxnCall(TransactionManager manager, Priority priority, CompletableFuture<Void> result) {
        this.manager = manager;
        this.priority = priority;
        this.result = result;
    }

    abstract ApiKey api();

    abstract Struct build(short version);

    /** The answer's meaning; may note what {@link #succeeded} applies. */
    abstract TxnOutcome handle(Struct body, short version);

    short maxVersion() {
        return Short.MAX_VALUE;
    }

    /** FindCoordinator key type of the coordinator this goes to. */
    byte coordinatorType() {
        return TxnRequests.TRANSACTION;
    }

    String coordinatorKey() {
        return manager.transactionalId();
    }

    /** On Done; completes {@link #result} unless more requests follow. */
    void succeeded() {
        result.complete(null);
    }

    /** On an abortable or fatal answer, before the state changes. */
    void failed() {
    }
}

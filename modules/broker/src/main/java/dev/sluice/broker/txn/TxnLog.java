package dev.sluice.broker.txn;

import dev.sluice.protocol.Errors;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the coordinator keeps the state of transactional ids: partition {@code abs(hash(id)) % n}
 * of {@code __transaction_state} ({@link TxnStateLog}; tests use a map). A state is answered only
 * once written and replicated, so a coordinator that takes over finds every state a producer was told of.
 *
 * <p>Threads: {@link #load} and {@link #unload} on the coordinator's loader thread; {@link #write}
 * from request handler threads and the coordinator's timer; {@code done} on whichever thread
 * completes the replication (or the caller's).
 */
public interface TxnLog {

    /** Replays {@code partition} and returns the latest state of each transactional id in it. */
    Map<String, TxnMetadata> load(int partition);

    /** Stops writing {@code partition}: later writes fail with NOT_COORDINATOR. */
    void unload(int partition);

    /**
     * Appends the state of {@code transactionalId} (null: remove it) to {@code partition}; {@code done}
     * gets NONE once it is replicated, else the error to answer (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE).
     */
    void write(int partition, String transactionalId, TxnMetadata state, Consumer<Errors> done);
}

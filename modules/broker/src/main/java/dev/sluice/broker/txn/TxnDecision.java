package dev.sluice.broker.txn;

import dev.sluice.protocol.Errors;

/**
 * What the coordinator does with a request, as {@link TxnTransitions} decides it: answer at once,
 * or write a new state to {@code __transaction_state} and answer once it is written.
 */
public sealed interface TxnDecision {

    /** Answer {@code error} without writing; {@code current} (may be null) is the state the answer describes. */
    record Answer(Errors error, TxnMetadata current) implements TxnDecision {
    }

    /**
     * Write {@code next}; once written answer {@code answer} (NONE, or CONCURRENT_TRANSACTIONS when a
     * zombie is being fenced and the producer must retry), and send the markers if {@code next} is
     * PrepareCommit or PrepareAbort.
     */
    record Write(TxnMetadata next, Errors answer) implements TxnDecision {
        public boolean sendsMarkers() {
            return next.state().isPrepare();
        }
    }
}

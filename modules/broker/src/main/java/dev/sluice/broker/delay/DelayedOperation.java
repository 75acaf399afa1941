package dev.sluice.broker.delay;

/**
 * Work that waits for a condition (data to fetch, replicas to acknowledge) or a deadline,
 * whichever comes first; completes exactly once.
 */
public interface DelayedOperation {

    /** Re-checks the condition; completes and returns true if it now holds. */
    boolean tryComplete();

    /** The deadline passed: complete with whatever there is. */
    void onExpire();
}

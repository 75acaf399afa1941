package dev.sluice.broker.txn;

/**
 * The coordinator's settings (Kafka's names).
 *
 * @param partitions        {@code transaction.state.log.num.partitions}: where ids are placed (the
 *                          existing topic's count wins once it exists)
 * @param maxTimeoutMs      {@code transaction.max.timeout.ms}
 * @param expirationMs      {@code transactional.id.expiration.ms}
 * @param abortCheckMs      {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}
 * @param expirationCheckMs {@code transaction.remove.expired.transaction.cleanup.interval.ms}
 * @param retryBackoffMs    between attempts to write markers or complete a transaction
 */
public record TxnSettings(int partitions, int maxTimeoutMs, long expirationMs, long abortCheckMs, long expirationCheckMs,
                          long retryBackoffMs) {
    public TxnSettings {
        if (partitions <= 0 || maxTimeoutMs <= 0 || expirationMs <= 0 || abortCheckMs <= 0 || expirationCheckMs <= 0
                || retryBackoffMs <= 0) {
            throw new IllegalArgumentException("transaction settings must be positive");
        }
    }
}

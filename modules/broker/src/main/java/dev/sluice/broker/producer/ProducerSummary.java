package dev.sluice.broker.producer;

/**
 * One producer as DescribeProducers shows it.
 *
 * @param lastSequence          the last batch's last sequence, or -1
 * @param lastTimestamp         the last batch's timestamp, or -1
 * @param coordinatorEpoch      epoch of the coordinator that wrote its last marker, or -1
 * @param currentTxnStartOffset first offset of its open transaction, or -1
 */
public record ProducerSummary(long producerId, int producerEpoch, int lastSequence, long lastTimestamp,
                              int coordinatorEpoch, long currentTxnStartOffset) {
}

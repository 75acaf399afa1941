package dev.sluice.client.producer;

import dev.sluice.client.ApiException;
import dev.sluice.protocol.Errors;

/**
 * Abortable: a partition leader refused a batch for its old producer epoch (INVALID_PRODUCER_EPOCH
 * on Produce), typically because the coordinator aborted the transaction after
 * {@code transaction.timeout.ms} and bumped the epoch (KIP-588). Abort the transaction and go on.
 */
public class InvalidProducerEpochException extends ApiException {
    public InvalidProducerEpochException(String message) {
        super(Errors.INVALID_PRODUCER_EPOCH.code(), Errors.INVALID_PRODUCER_EPOCH.name(), false, message);
    }
}

package dev.sluice.client.producer;

import dev.sluice.client.ApiException;
import dev.sluice.protocol.Errors;

/**
 * Fatal: another producer with the same {@code transactional.id} called {@code initTransactions}
 * after this one (PRODUCER_FENCED, or INVALID_PRODUCER_EPOCH from the transaction coordinator), so
 * this one is a zombie. Nothing it sends is accepted any more; close it.
 */
public class ProducerFencedException extends ApiException {
    public ProducerFencedException(String message) {
        super(Errors.PRODUCER_FENCED.code(), Errors.PRODUCER_FENCED.name(), false, message);
    }
}

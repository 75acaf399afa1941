package dev.sluice.client.producer;

import dev.sluice.client.ApiException;
import dev.sluice.protocol.Errors;

/** Abortable: the broker found a problem with the transaction (TRANSACTION_ABORTABLE); abort it and go on. */
public class TransactionAbortableException extends ApiException {
    public TransactionAbortableException(String message) {
        super(Errors.TRANSACTION_ABORTABLE.code(), Errors.TRANSACTION_ABORTABLE.name(), false, message);
    }
}

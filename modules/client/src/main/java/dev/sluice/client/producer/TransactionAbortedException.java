package dev.sluice.client.producer;

import dev.sluice.client.SluiceClientException;

/** A record's send failed because its transaction was aborted before the record went out. */
public class TransactionAbortedException extends SluiceClientException {
    public TransactionAbortedException(String message) {
        super(message);
    }
}

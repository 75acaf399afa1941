package dev.sluice.client.network;

import dev.sluice.client.ApiException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.producer.InvalidProducerEpochException;
import dev.sluice.client.producer.ProducerFencedException;
import dev.sluice.client.producer.TransactionAbortableException;
import dev.sluice.protocol.Errors;

/** Turns a response error code into the client's exception type. */
public final class ErrorMapper {
    private ErrorMapper() {
    }

    public static Errors errors(short code) {
        return Errors.forCode(code);
    }

    /** An exception for a non-zero error code; {@code message} may be null. */
    public static SluiceClientException toException(short code, String message) {
        Errors error = Errors.forCode(code);
        String text = message == null ? error.message() : message;
        switch (error) { // the producer's transaction errors have types of their own, as Kafka's do
            case PRODUCER_FENCED -> {
                return new ProducerFencedException(text);
            }
            case INVALID_PRODUCER_EPOCH -> {
                return new InvalidProducerEpochException(text);
            }
            case TRANSACTION_ABORTABLE -> {
                return new TransactionAbortableException(text);
            }
            default -> {
            }
        }
        return new ApiException(code, error.name(), error.retriable(), message == null ? error.message() : message);
    }
}

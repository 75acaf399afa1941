package dev.sluice.broker.network;

/**
 * Turns a request frame into its outcome. Called on a request-handler thread ({@code num.io.threads}).
 *
 * <p>Every request must be completed exactly once, with {@link NetworkRequest#respond},
 * {@link NetworkRequest#respondNothing} or {@link NetworkRequest#closeConnection}, either before {@code handle}
 * returns or later from any thread (long-poll fetch, {@code acks=all}). Until then the connection's
 * later responses wait: responses leave in request order.
 *
 * <p>Ordering: for one connection, {@code handle} is called in request order, and the next call
 * starts only once the previous one has returned or its request was completed. So a handler that
 * appends produce records before returning keeps a producer's pipelined batches in order.
 *
 * <p>A thrown exception is logged and, if the request was not yet completed, closes the connection;
 * the handler thread lives on.
 */
@FunctionalInterface
public interface RequestHandler {
    void handle(NetworkRequest request) throws Exception;
}

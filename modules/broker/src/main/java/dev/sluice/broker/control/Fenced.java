package dev.sluice.broker.control;

import dev.sluice.protocol.Errors;

/** The outcome of a control request at its fence: applied (with the result), or refused whole. */
public sealed interface Fenced<T> {

    /** The request's epochs were current: it was applied and produced {@code result}. */
    record Applied<T>(T result) implements Fenced<T> {
    }

    /** STALE_CONTROLLER_EPOCH or STALE_BROKER_EPOCH: nothing was changed. */
    record Refused<T>(Errors error, String reason) implements Fenced<T> {
    }
}

package dev.sluice.broker.security.sasl;

/**
 * The server's side of one SASL exchange of one mechanism. Not thread-safe: one connection's
 * requests are handled one after another, so one exchange never sees two threads at once.
 */
sealed interface SaslServerMechanism permits PlainServer, ScramServer {
    /** The SASL name, e.g. {@code PLAIN}. */
    String name();

    /** Takes the client's next token; must never throw on malformed input (that is a {@link SaslStep.Failure}). */
    SaslStep evaluate(byte[] token);
}

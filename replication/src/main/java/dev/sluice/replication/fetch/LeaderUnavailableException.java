package dev.sluice.replication.fetch;

/** The leader did not answer (not reachable, timed out, unknown endpoint, or an error for the whole request). */
public final class LeaderUnavailableException extends RuntimeException {
    public LeaderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public LeaderUnavailableException(String message) {
        super(message);
    }
}

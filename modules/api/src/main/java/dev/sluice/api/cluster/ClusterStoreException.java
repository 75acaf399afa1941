package dev.sluice.api.cluster;

/**
 * The store could not be reached or did not answer in time (no session, connection lost during
 * the call, interrupted). Whether a write issued meanwhile happened is unknown: re-read.
 */
public class ClusterStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterStoreException(String message) {
        super(message);
    }

    public ClusterStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

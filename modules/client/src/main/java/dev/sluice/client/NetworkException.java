package dev.sluice.client;

/** The connection to a broker failed or closed before the response arrived. */
public class NetworkException extends RetriableException {
    public NetworkException(String message) {
        super(message);
    }

    public NetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}

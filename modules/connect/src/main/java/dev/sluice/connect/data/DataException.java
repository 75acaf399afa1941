package dev.sluice.connect.data;

import dev.sluice.connect.api.ConnectException;

/** A value that does not fit its schema, or data a converter cannot read. */
public class DataException extends ConnectException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.sluice.connect.runtime;

import dev.sluice.connect.api.ConnectException;

/** A connector name already taken (HTTP 409). */
public final class AlreadyExistsException extends ConnectException {
    public AlreadyExistsException(String message) {
        super(message);
    }
}

package dev.sluice.connect.runtime;

import dev.sluice.connect.api.ConnectException;

/** An unknown connector or task (HTTP 404). */
public final class NotFoundException extends ConnectException {
    public NotFoundException(String message) {
        super(message);
    }
}

package dev.sluice.broker.network;

import java.io.IOException;

/** A frame whose declared size the server refuses; the connection is closed. */
final class InvalidFrameException extends IOException {
    InvalidFrameException(String message) {
        super(message);
    }
}

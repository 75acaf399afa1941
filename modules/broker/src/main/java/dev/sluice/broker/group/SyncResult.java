package dev.sluice.broker.group;

import dev.sluice.protocol.Errors;

/** A SyncGroup answer: the member's assignment in the new generation. */
public record SyncResult(Errors error, String protocolType, String protocolName, byte[] assignment) {
    static final byte[] NO_ASSIGNMENT = new byte[0];

    static SyncResult error(Errors error) {
        return new SyncResult(error, null, null, NO_ASSIGNMENT);
    }
}

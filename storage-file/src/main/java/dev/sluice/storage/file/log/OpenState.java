package dev.sluice.storage.file.log;

import java.util.OptionalLong;

/**
 * What the engine knows about a log before opening it.
 *
 * @param cleanShutdown  the log directory was closed cleanly last time: no recovery needed
 * @param recoveryPoint  offset below which the data was flushed, if checkpointed; without it an
 *                       unclean open recovers every segment
 * @param logStartOffset checkpointed log start offset, if any
 */
public record OpenState(boolean cleanShutdown, OptionalLong recoveryPoint, OptionalLong logStartOffset) {

    /** A log that was closed cleanly and has no checkpoints (new, or used on its own). */
    public static final OpenState CLEAN = new OpenState(true, OptionalLong.empty(), OptionalLong.empty());
}

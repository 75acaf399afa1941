package dev.sluice.connect.api;

import java.util.List;

/**
 * Reads from another system. {@link #poll()} is called in a loop on the task's thread and may block
 * briefly (return an empty list or null when nothing came); {@link #stop()} may be called from
 * another thread and should make a blocked poll return soon.
 */
public non-sealed interface SourceTask extends Task {
    /** Called before {@link #start}: where to read committed source offsets from. */
    void initialize(SourceTaskContext context);

    List<SourceRecord> poll() throws InterruptedException;

    /** The worker committed the offsets of everything polled so far; optional. */
    default void commit() {
    }
}

package dev.sluice.streams.internals;

import dev.sluice.streams.processor.TaskId;
import dev.sluice.streams.state.internals.BytesStore;

/** Opens the byte storage of one store of one task (in memory or on LMDB, by the store's type). */
@FunctionalInterface
public interface StoreOpener {
    BytesStore open(TaskId task, StoreSpec spec);
}

package dev.sluice.streams.state;

/** Where a store keeps its data. */
public enum StoreType {
    /** On the heap; rebuilt from the changelog when the instance restarts. */
    IN_MEMORY,
    /** On disk in LMDB under {@code state.dir}; survives restarts, so only the changelog's tail is replayed. */
    LMDB
}

package dev.sluice.streams;

/** {@code processing.guarantee}. */
public enum ProcessingGuarantee {
    /**
     * Offsets are committed only after the outputs and changelog writes before them were acknowledged:
     * nothing is lost; after a failure, records since the last commit are processed again.
     */
    AT_LEAST_ONCE,
    /**
     * Each commit is one transaction holding the outputs, the changelog writes and the input offsets;
     * inputs are read read_committed. A failure aborts the open transaction, so every record's effect
     * is seen exactly once.
     */
    EXACTLY_ONCE
}

package dev.sluice.broker.partition;

/** The answer to a produce to one partition. */
public sealed interface AppendOutcome {

    /**
     * Stored (or recognised as a retry of a stored batch).
     *
     * @param logAppendTime the broker's timestamp if the topic uses LogAppendTime, else -1
     */
    record Appended(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset, boolean duplicate)
            implements AppendOutcome {
    }

    record Rejected(AppendError error, String message) implements AppendOutcome {
    }
}

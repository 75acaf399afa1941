package dev.sluice.streams.state.internals;

/** Where a logged store sends each change: its changelog topic, at the task's partition. */
@FunctionalInterface
public interface ChangeLogger {
    /** A null value is a tombstone. */
    void log(byte[] key, byte[] value, long timestamp);
}

package dev.sluice.client.consumer;

/** What to do when a partition has no valid position ({@code auto.offset.reset}). */
public enum OffsetResetStrategy {
    EARLIEST, LATEST, NONE
}

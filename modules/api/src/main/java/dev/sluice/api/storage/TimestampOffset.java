package dev.sluice.api.storage;

/** A record's timestamp and offset, as returned by time-based lookups. */
public record TimestampOffset(long timestamp, long offset) {
}

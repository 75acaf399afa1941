package dev.sluice.api.record;

/** Whether a batch's timestamps were set by the producer or by the broker on append. */
public enum TimestampType {
    CREATE_TIME,
    LOG_APPEND_TIME
}

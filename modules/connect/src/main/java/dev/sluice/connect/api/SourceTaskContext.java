package dev.sluice.connect.api;

import java.util.Map;

/** What a source task may ask of its worker. */
public interface SourceTaskContext {
    /** The task's configuration. */
    Map<String, String> configs();

    /** The last committed offset of a source partition (the maps a task puts in its records), or null. */
    Map<String, Object> offset(Map<String, ?> sourcePartition);
}

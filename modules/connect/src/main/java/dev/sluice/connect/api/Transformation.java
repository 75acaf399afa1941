package dev.sluice.connect.api;

import java.util.Map;

/**
 * A single-message transform ({@code transforms=a,b}, {@code transforms.a.type=...}): rewrites one
 * record at a time, or drops it by returning null. One instance per task, used by the task's thread only.
 */
public interface Transformation extends ConnectPlugin {
    /** Called once with the transform's settings (the {@code transforms.<alias>.} prefix removed). */
    void configure(Map<String, String> config);

    <R extends ConnectRecord<R>> R apply(R record);

    default void close() {
    }
}

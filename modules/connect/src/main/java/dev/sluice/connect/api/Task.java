package dev.sluice.connect.api;

import java.util.Map;

/**
 * One unit of a connector's work, run by the worker on a thread of its own: {@code start}, then
 * the type's work calls, then {@code stop} (which may come from another thread to wake it up).
 * Implementations need a public no-argument constructor.
 */
public sealed interface Task permits SourceTask, SinkTask {
    void start(Map<String, String> config);

    void stop();

    default String version() {
        return "1.0";
    }
}

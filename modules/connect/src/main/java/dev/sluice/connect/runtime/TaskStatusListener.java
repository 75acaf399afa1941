package dev.sluice.connect.runtime;

/** Told of every state change of a task (from the task's thread). Implementations are thread-safe. */
public interface TaskStatusListener {
    void onStatus(ConnectorTaskId id, Status status);
}

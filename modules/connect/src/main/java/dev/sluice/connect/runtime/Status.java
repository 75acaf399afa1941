package dev.sluice.connect.runtime;

/** A connector's or task's state, where it runs and, when failed, why. */
public record Status(State state, String workerId, String trace) {
    public static Status unassigned(String workerId) {
        return new Status(State.UNASSIGNED, workerId, null);
    }
}

package dev.sluice.connect.runtime;

/** A connector's or task's state, as Kafka Connect's status API names them. */
public enum State {
    UNASSIGNED, RUNNING, PAUSED, FAILED, RESTARTING
}

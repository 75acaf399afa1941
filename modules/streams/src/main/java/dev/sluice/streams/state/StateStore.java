package dev.sluice.streams.state;

/** A store a task keeps its state in; restored from its changelog when the task moves. */
public interface StateStore {
    String name();
}

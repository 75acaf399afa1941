package dev.sluice.connect.runtime;

/** The outcome of one pipeline step under the error policy: its value, or the record is to be skipped. */
public sealed interface Attempt<T> {
    record Done<T>(T value) implements Attempt<T> {
    }

    record Skipped<T>(Throwable cause) implements Attempt<T> {
    }
}

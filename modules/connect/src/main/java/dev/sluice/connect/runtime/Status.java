package dev.sluice.connect.runtime;

import java.io.PrintWriter;
import java.io.StringWriter;

/** A connector's or task's state, where it runs and, when failed, why. */
public record Status(State state, String workerId, String trace) {
    public static Status unassigned(String workerId) {
        return new Status(State.UNASSIGNED, workerId, null);
    }

    /** FAILED on {@code workerId}, with the failure's stack trace (what the status API shows). */
    public static Status failed(String workerId, Throwable failure) {
        return new Status(State.FAILED, workerId, stackTrace(failure));
    }

    /** The stack trace as text, as Kafka puts it in statuses and dead-letter headers. */
    static String stackTrace(Throwable failure) {
        StringWriter trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }
}

package dev.sluice.tools.cli;

/**
 * The command cannot do its job, for a reason the user can fix: the message says what happened
 * and what to do, and is printed as is (no stack trace), exit code 1.
 */
public final class CommandFailure extends RuntimeException {
    public CommandFailure(String message) {
        super(message, null, false, false);
    }
}

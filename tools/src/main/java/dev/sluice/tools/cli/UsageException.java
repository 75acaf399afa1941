package dev.sluice.tools.cli;

/** The command line is wrong: the command prints this message and its usage line, exit code 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message, null, false, false);
    }
}

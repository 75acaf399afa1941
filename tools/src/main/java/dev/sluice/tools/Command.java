package dev.sluice.tools;

import java.io.InputStream;
import java.io.PrintStream;

/** One subcommand of {@code sluice}. */
public interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The full {@code --help} text. */
    String help();

    /** Runs with the arguments after the command name; returns the exit code. */
    int run(String[] args, PrintStream out, PrintStream err);

    /** As {@link #run(String[], PrintStream, PrintStream)}, for commands that read standard input. */
    default int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, out, err);
    }
}

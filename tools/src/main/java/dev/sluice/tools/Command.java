package dev.sluice.tools;

import java.io.PrintStream;

/** One subcommand of {@code sluice}. */
interface Command {
    String name();

    /** One line for the command list. */
    String summary();

    /** The full {@code --help} text. */
    String help();

    /** Runs with the arguments after the command name; returns the exit code. */
    int run(String[] args, PrintStream out, PrintStream err);
}

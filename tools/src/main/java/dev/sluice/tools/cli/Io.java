package dev.sluice.tools.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The streams a command reads records from and prints to (System's, or a test's). */
public record Io(InputStream in, PrintStream out, PrintStream err) {
}

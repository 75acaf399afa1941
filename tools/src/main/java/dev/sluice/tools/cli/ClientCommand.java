package dev.sluice.tools.cli;

import dev.sluice.client.ApiException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.config.ConfigException;
import dev.sluice.tools.Command;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The frame of every command that talks to a broker: parses the options (adding
 * {@code --bootstrap-server} and {@code --command-config}), runs {@link #execute}, and turns
 * failures into one line that says what to fix: a usage error prints the usage line (exit 2),
 * anything else a message (exit 1). Stack traces are for bugs, not for users.
 */
public abstract class ClientCommand implements Command {

    /** The command's own options. */
    protected abstract Options options();

    /** The usage line(s), starting with "usage: sluice <name>". */
    protected abstract String usage();

    /** Does the work; returns the exit code. */
    protected abstract int execute(Args args, ClientSettings settings, Io io) throws Exception;

    @Override
    public final int run(String[] argv, PrintStream out, PrintStream err) {
        return run(argv, System.in, out, err);
    }

    @Override
    public final int run(String[] argv, InputStream in, PrintStream out, PrintStream err) {
        Args args;
        ClientSettings settings;
        try {
            args = Args.parse(argv, options().value("--bootstrap-server", "--command-config"));
            settings = ClientSettings.from(args);
        } catch (UsageException e) {
            return usageError(e, err);
        } catch (CommandFailure e) {
            err.println("sluice " + name() + ": " + e.getMessage());
            return 1;
        }
        try {
            return execute(args, settings, new Io(in, out, err));
        } catch (UsageException e) {
            return usageError(e, err);
        } catch (Exception e) {
            err.println("sluice " + name() + ": " + explain(e, settings));
            return 1;
        } finally {
            out.flush();
        }
    }

    private int usageError(UsageException e, PrintStream err) {
        err.println("sluice " + name() + ": " + e.getMessage());
        err.println(usage());
        err.println("Run 'sluice " + name() + " --help' for all options.");
        return 2;
    }

    /** One line for a failure: the client's own words where they are clear, a hint where they are not. */
    public static String explain(Throwable failure, ClientSettings settings) {
        Throwable e = unwrap(failure);
        if (e instanceof CommandFailure) {
            return e.getMessage();
        }
        if (e instanceof ConfigException c) {
            return "invalid client settings: " + String.join("; ", c.problems())
                    + " (check --command-config and the properties on the command line)";
        }
        if (e instanceof TimeoutException) {
            String protocol = settings == null ? "PLAINTEXT"
                    : settings.properties(java.util.Map.of()).getProperty("security.protocol", "PLAINTEXT");
            // a SASL listener closes a connection that does not log in, which a client sees as a broker going away
            return e.getMessage() + " (is the broker at " + (settings == null ? "the bootstrap address" : settings.bootstrap())
                    + " still running, and is it a " + protocol + " listener? an SSL or SASL listener needs "
                    + "security.protocol, ssl.* and sasl.* settings in --command-config)";
        }
        if (e instanceof ApiException || e instanceof SluiceClientException) {
            return e.getMessage();
        }
        return FailureText.of(e);
    }

    /** The cause behind CompletableFuture's and executors' wrappers. */
    public static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The broker's error name if {@code e} is (or wraps) an {@link ApiException}, else null. */
    public static String errorName(Throwable e) {
        return unwrap(e) instanceof ApiException a ? a.errorName() : null;
    }
}

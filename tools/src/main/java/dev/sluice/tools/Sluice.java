package dev.sluice.tools;

import dev.sluice.tools.admin.DeleteRecordsCommand;
import dev.sluice.tools.admin.GetOffsetsCommand;
import dev.sluice.tools.admin.LogDirsCommand;
import dev.sluice.tools.admin.AclsCommand;
import dev.sluice.tools.admin.QuotasCommand;
import dev.sluice.tools.admin.UsersCommand;
import dev.sluice.tools.console.ConsumeCommand;
import dev.sluice.tools.console.ProduceCommand;
import dev.sluice.tools.configs.ConfigsCommand;
import dev.sluice.tools.connect.ConnectCommand;
import dev.sluice.tools.groups.GroupsCommand;
import dev.sluice.tools.mirror.MirrorCommand;
import dev.sluice.tools.perf.PerfConsumeCommand;
import dev.sluice.tools.perf.PerfProduceCommand;
import dev.sluice.tools.topics.TopicsCommand;
import dev.sluice.tools.transactions.TransactionsCommand;

import dev.sluice.tools.cli.DidYouMean;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Entry point of the {@code sluice} command: dispatches to a subcommand. */
public final class Sluice {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        register(new ServerCommand());
        register(new ZooKeeperCommand());
        register(new ClusterCommand());
        register(new TopicsCommand());
        register(new ProduceCommand());
        register(new ConsumeCommand());
        register(new GroupsCommand());
        register(new ConfigsCommand());
        register(new QuotasCommand());
        register(new AclsCommand());
        register(new UsersCommand());
        register(new LogDirsCommand());
        register(new GetOffsetsCommand());
        register(new DeleteRecordsCommand());
        register(new TransactionsCommand());
        register(new PerfProduceCommand());
        register(new PerfConsumeCommand());
        register(new ConnectCommand());
        register(new MirrorCommand());
    }

    private Sluice() {
    }

    private static void register(Command command) {
        COMMANDS.put(command.name(), command);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line; returns the process exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with records for {@code produce} read from {@code in}. */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Logging.configure();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version") || args[0].equals("version")) {
            out.println("sluice " + version());
            return 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("sluice: unknown command '" + args[0] + "'" + DidYouMean.hint(args[0], COMMANDS.keySet())
                    + ". Commands: " + String.join(", ", COMMANDS.keySet()) + ". Run 'sluice --help' for details.");
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (rest.length > 0 && (rest[0].equals("--help") || rest[0].equals("-h"))) {
            out.println(command.help());
            return 0;
        }
        if (rest.length == 1 && rest[0].equals("--version")) { // kafka-topics.sh --version
            out.println("sluice " + version());
            return 0;
        }
        if (!(command instanceof ServerCommand)) {
            Logging.quietClients();
        }
        return command.run(rest, in, out, err);
    }

    /** The build's version (tools/pom.xml fills version.properties in). */
    static String version() {
        Properties properties = new Properties();
        try (InputStream in = Sluice.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "(unknown version: " + e.getMessage() + ")";
        }
        return properties.getProperty("version", "(unknown version)");
    }

    private static void usage(PrintStream out) {
        out.println("usage: sluice <command> [options]   (sluice <command> --help for its options; sluice --version)");
        out.println();
        for (Command command : COMMANDS.values()) {
            out.printf("  %-13s %s%n", command.name(), command.summary());
        }
    }
}

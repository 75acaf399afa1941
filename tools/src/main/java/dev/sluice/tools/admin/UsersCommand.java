package dev.sluice.tools.admin;

import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.protocol.sasl.ScramMechanism;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.OutputFormat;
import dev.sluice.tools.cli.UsageException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@code sluice users}: SCRAM users, listed (DescribeUserScramCredentials, with kafka-configs.sh's line
 * {@code SCRAM credential configs for user-principal 'u' are SCRAM-SHA-256=iterations=4096}), added or given a new
 * password (AlterUserScramCredentials: the password is salted and hashed by {@link SluiceAdmin}, only the salted
 * password leaves this process) and deleted. Runs on the calling thread.
 */
public final class UsersCommand extends ClientCommand {
    /** kafka-configs.sh's default when {@code iterations} is not given. */
    static final int DEFAULT_ITERATIONS = ScramMechanism.MIN_ITERATIONS;

    @Override
    public String name() {
        return "users";
    }

    @Override
    public String summary() {
        return "list, add and delete SCRAM users (kafka-configs.sh --entity-type users)";
    }

    @Override
    protected String usage() {
        return "usage: sluice users --list [--user U]...\n"
                + "       sluice users --add|--alter --user U (--password P | --password-stdin) [--mechanism M]... [--iterations N]\n"
                + "       sluice users --delete --user U [--mechanism M]...";
    }

    @Override
    public String help() {
        return usage() + """


                SCRAM users of a broker with SCRAM-SHA-256 or SCRAM-SHA-512 in sasl.enabled.mechanisms. The
                broker stores a salted hash, never the password: the password is salted and hashed here and
                only that is sent (as kafka-configs.sh does).

                Options:
                  --list                  every SCRAM user (or those named) with its mechanisms and iterations
                  --add                   a new user, or a mechanism the user does not have yet
                  --alter                 a new password (also adds what is missing)
                  --delete                remove the user's credential for the mechanisms named, else all of them
                  --user U                the user name (a client logged in as U is the principal User:U)
                  --password P            the password (visible to other local users in the process list:
                                          prefer --password-stdin)
                  --password-stdin        read the password from the first line of standard input
                  --mechanism M           SCRAM-SHA-256 or SCRAM-SHA-512 (repeatable; --add and --alter set both
                                          unless named)
                  --iterations N          hash iterations, 4096 (default) to 16384
                  --format text|json      output of --list
                  --bootstrap-server H:P  broker to connect to (default localhost:9092)
                  --command-config FILE   admin client properties (Kafka names: security.protocol, ssl.*,
                                          sasl.mechanism, sasl.jaas.config)

                With authorizer.class.name set, listing needs Describe and changing needs Alter on the cluster
                (or a super user).

                Examples:
                  sluice users --add --user alice --password alice-secret
                  echo "$PASSWORD" | sluice users --alter --user alice --password-stdin --mechanism SCRAM-SHA-512
                  sluice users --list
                  sluice users --delete --user alice --mechanism SCRAM-SHA-256
                  sluice users --delete --user alice --command-config admin.properties""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--list", "--add", "--alter", "--delete", "--password-stdin")
                .value("--password", "--iterations").list("--user", "--mechanism").format();
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String action = args.oneOf("--list", "--add", "--alter", "--delete");
        OutputFormat format = OutputFormat.of(args);
        Set<ScramMechanism> mechanisms = mechanisms(args);
        List<String> users = args.values("--user");
        if (action.equals("--list")) {
            refuse(args, "--list", "--password", "--password-stdin", "--iterations", "--mechanism");
            return withAdmin(settings, "Describe", admin -> list(admin, users, format, io));
        }
        if (users.size() != 1) {
            throw new UsageException(action + " takes one --user" + (users.isEmpty() ? "" : ", not " + users.size()));
        }
        String user = users.get(0);
        if (user.isEmpty()) {
            throw new UsageException("--user must not be empty");
        }
        if (action.equals("--delete")) {
            refuse(args, "--delete", "--password", "--password-stdin", "--iterations");
            return withAdmin(settings, "Alter", admin -> delete(admin, user, mechanisms, io));
        }
        String password = password(args, io);
        int iterations = args.intValue("--iterations", DEFAULT_ITERATIONS);
        if (iterations < ScramMechanism.MIN_ITERATIONS || iterations > ScramMechanism.MAX_ITERATIONS) {
            throw new UsageException("--iterations takes " + ScramMechanism.MIN_ITERATIONS + " to " + ScramMechanism.MAX_ITERATIONS
                    + " (the broker refuses others), not " + iterations);
        }
        Set<ScramMechanism> setting = mechanisms.isEmpty() ? EnumSet.allOf(ScramMechanism.class) : mechanisms;
        boolean adding = action.equals("--add");
        return withAdmin(settings, "Alter", admin -> upsert(admin, user, setting, password, iterations, adding, io));
    }

    /** Runs {@code work} with an admin client; a refusal by the authorizer says which ACL the caller lacks. */
    private static int withAdmin(ClientSettings settings, String operation, java.util.function.ToIntFunction<SluiceAdmin> work) {
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            return work.applyAsInt(admin);
        } catch (RuntimeException e) {
            if ("CLUSTER_AUTHORIZATION_FAILED".equals(errorName(e))) {
                throw new CommandFailure(unwrap(e).getMessage() + " (managing users needs " + operation + " on the cluster: "
                        + "log in as a super user with --command-config, or sluice acls --add --allow-principal User:<you> "
                        + "--operation " + operation + " --cluster)");
            }
            throw e;
        }
    }

    private static int upsert(SluiceAdmin admin, String user, Set<ScramMechanism> setting, String password, int iterations,
                              boolean adding, Io io) {
        if (adding) {
            Set<ScramMechanism> existing = existing(admin, user);
            existing.retainAll(setting);
            if (!existing.isEmpty()) { // --add never overwrites a password by a typo in the user name
                throw new CommandFailure("user '" + user + "' already has a " + names(existing, " and ")
                        + " password: give it a new one with --alter");
            }
        }
        for (ScramMechanism m : setting) {
            admin.upsertUserScramCredential(user, m, password, iterations).join();
        }
        io.out().println("Completed updating config for user " + user + ".");
        return 0;
    }

    private static int list(SluiceAdmin admin, List<String> users, OutputFormat format, Io io) {
        // every user, then the ones asked for: a user without credentials is a line on stderr, not the whole call failing
        Map<String, Map<ScramMechanism, Integer>> all = admin.describeUserScramCredentials(List.of()).join();
        Map<String, Map<ScramMechanism, Integer>> shown = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        if (users.isEmpty()) {
            shown.putAll(all);
        }
        for (String user : users) {
            if (all.containsKey(user)) {
                shown.put(user, all.get(user));
            } else {
                missing.add(user);
            }
        }
        if (format == OutputFormat.JSON) {
            List<Object> out = new ArrayList<>();
            shown.forEach((user, creds) -> {
                List<Object> infos = new ArrayList<>();
                creds.forEach((m, iterations) -> {
                    Map<String, Object> info = new LinkedHashMap<>();
                    info.put("mechanism", m.mechanismName());
                    info.put("iterations", iterations);
                    infos.add(info);
                });
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("user", user);
                entry.put("credentials", infos);
                out.add(entry);
            });
            io.out().println(JsonWriter.write(out));
        } else {
            if (shown.isEmpty() && users.isEmpty()) {
                io.out().println("No SCRAM users. Add one with sluice users --add --user U --password-stdin.");
            }
            shown.forEach((user, creds) -> {
                StringJoiner text = new StringJoiner(", ");
                creds.forEach((m, iterations) -> text.add(m.mechanismName() + "=iterations=" + iterations));
                io.out().println("SCRAM credential configs for user-principal '" + user + "' are " + text);
            });
        }
        missing.forEach(user -> io.err().println("sluice users: no SCRAM user '" + user + "'"));
        return missing.isEmpty() ? 0 : 1;
    }

    private static int delete(SluiceAdmin admin, String user, Set<ScramMechanism> asked, Io io) {
        Set<ScramMechanism> existing = existing(admin, user);
        if (existing.isEmpty()) {
            throw new CommandFailure("no SCRAM user '" + user + "' (sluice users --list shows the users)");
        }
        Set<ScramMechanism> deleting = asked.isEmpty() ? existing : asked;
        Set<ScramMechanism> absent = EnumSet.copyOf(deleting);
        absent.removeAll(existing);
        if (!absent.isEmpty()) {
            throw new CommandFailure("user '" + user + "' has no " + names(absent, " or ") + " password; it has "
                    + names(existing, " and "));
        }
        for (ScramMechanism m : deleting) {
            admin.deleteUserScramCredential(user, m).join();
            io.out().println("Deleted the " + m.mechanismName() + " credential of user " + user + ".");
        }
        io.out().println("Completed updating config for user " + user + ".");
        return 0;
    }

    /** The mechanisms the user has a credential for (empty when it has none). */
    private static Set<ScramMechanism> existing(SluiceAdmin admin, String user) {
        Map<ScramMechanism, Integer> creds = admin.describeUserScramCredentials(List.of()).join().get(user);
        return creds == null || creds.isEmpty() ? EnumSet.noneOf(ScramMechanism.class) : EnumSet.copyOf(creds.keySet());
    }

    private static Set<ScramMechanism> mechanisms(Args args) throws UsageException {
        Set<ScramMechanism> mechanisms = EnumSet.noneOf(ScramMechanism.class);
        for (String name : args.values("--mechanism")) {
            ScramMechanism m = ScramMechanism.forName(name.toUpperCase(java.util.Locale.ROOT));
            if (m == null) {
                throw new UsageException("--mechanism takes SCRAM-SHA-256 or SCRAM-SHA-512, not '" + name + "'"
                        + (name.equalsIgnoreCase("PLAIN") ? " (PLAIN users are in the broker's "
                        + "listener.name.<listener>.plain.sasl.jaas.config)" : ""));
            }
            mechanisms.add(m);
        }
        return mechanisms;
    }

    private static String password(Args args, Io io) throws UsageException, IOException {
        String given = args.value("--password");
        if (given != null && args.has("--password-stdin")) {
            throw new UsageException("give --password P or --password-stdin, not both");
        }
        if (given == null && !args.has("--password-stdin")) {
            throw new UsageException("the password: give --password P or --password-stdin");
        }
        String password = given;
        if (password == null) {
            password = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8)).readLine();
            if (password == null) {
                throw new UsageException("--password-stdin: standard input ended before a password line");
            }
        }
        if (password.isEmpty()) {
            throw new UsageException("the password must not be empty");
        }
        return password;
    }

    private static void refuse(Args args, String action, String... options) throws UsageException {
        for (String option : options) {
            if (args.has(option)) {
                throw new UsageException(option + " does not go with " + action);
            }
        }
    }

    private static String names(Set<ScramMechanism> mechanisms, String separator) {
        StringJoiner text = new StringJoiner(separator);
        mechanisms.forEach(m -> text.add(m.mechanismName()));
        return text.toString();
    }
}

package dev.sluice.tools.groups;

import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.GroupListing;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.OutputFormat;
import dev.sluice.tools.cli.Table;
import dev.sluice.tools.cli.UsageException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code sluice groups}: list, describe, reset offsets of and delete consumer groups, like kafka-consumer-groups.sh. */
public final class GroupsCommand extends ClientCommand {
    /** Kafka's classic group states, for {@code --list --state S}. */
    private static final List<String> STATES = List.of("PreparingRebalance", "CompletingRebalance", "Stable", "Dead", "Empty");

    @Override
    public String name() {
        return "groups";
    }

    @Override
    public String summary() {
        return "list, describe (offsets, lag, members), reset offsets of and delete consumer groups";
    }

    @Override
    protected String usage() {
        return "usage: sluice groups --list [--state [S,...]] | --describe (--group G... | --all-groups) [--offsets | --members | --state]\n"
                + "       sluice groups --delete (--group G... | --all-groups)\n"
                + "       sluice groups --reset-offsets (--group G... | --all-groups) (--topic T[:P,...]... | --all-topics)\n"
                + "                     (--to-earliest | --to-latest | --to-current | --to-offset N | --shift-by N |\n"
                + "                      --to-datetime 2026-01-01T00:00:00Z | --by-duration PT1H | --from-file F)\n"
                + "                     [--dry-run | --execute] [--export]";
    }

    @Override
    public String help() {
        return usage() + """


                Manages consumer groups, like kafka-consumer-groups.sh.

                Actions (exactly one):
                  --list               group ids, one per line; with --state a GROUP STATE table, and
                                       --state Stable,Empty lists only groups in those states
                  --describe           the group's state; per partition the committed offset, log end
                                       offset, lag and owning member; then members and assignments.
                                       Only one table: --offsets, --members (--verbose: with the
                                       assignment), --state (coordinator, assignor, state, #members)
                  --reset-offsets      set the groups' committed offsets; prints the plan and applies
                                       it only with --execute (a group must have no members)
                  --delete             delete groups without members, with their offsets; each
                                       group's failure is reported, the others are still deleted

                Options:
                  --group G            a group (repeatable)
                  --all-groups         every group of the cluster
                  --topic T[:P,...]    --reset-offsets: a topic, or some of its partitions (repeatable)
                  --all-topics         --reset-offsets: every partition the group has an offset for
                  --to-earliest        the first offset of each partition
                  --to-latest          the log end
                  --to-current         the committed offset (the log end where there is none)
                  --to-offset N        N
                  --shift-by N         the committed offset plus N (N may be negative)
                  --to-datetime T      the first record at or after T (ISO-8601; without a zone: local time)
                  --by-duration D      the first record at or after now minus D (ISO-8601, e.g. PT1H, P1DT2H)
                  --from-file F        offsets from a CSV file as --export writes it: topic,partition,offset
                                       (group,topic,partition,offset for several groups)
                                       Every new offset is kept between the first offset and the log end.
                  --dry-run            only show the new offsets (the default)
                  --execute            commit them
                  --export             print the plan as CSV (for --from-file) instead of a table
                  --format json        (-o json) one JSON document for --list, --describe, --reset-offsets
                  --bootstrap-server   broker to connect to (default localhost:9092)
                  --command-config F   admin client properties (Kafka names)

                Examples:
                  sluice groups --reset-offsets --group billing --topic orders --to-earliest --execute
                  sluice groups --reset-offsets --group billing --all-topics --to-current --export > offsets.csv
                  sluice groups --reset-offsets --group billing --from-file offsets.csv --execute""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--list", "--describe", "--reset-offsets", "--delete", "--all-groups", "--all-topics",
                        "--offsets", "--members", "--verbose", "--to-earliest", "--to-latest", "--to-current", "--dry-run",
                        "--execute", "--export")
                .optional("--state")
                .value("--to-datetime", "--to-offset", "--shift-by", "--by-duration", "--from-file")
                .list("--group", "--topic").format();
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String action = args.oneOf("--list", "--describe", "--reset-offsets", "--delete");
        OutputFormat format = OutputFormat.of(args);
        List<String> groups = args.values("--group");
        boolean allGroups = args.has("--all-groups");
        if (!action.equals("--list")) {
            if (groups.isEmpty() && !allGroups) {
                throw new UsageException(action + " needs --group G or --all-groups");
            }
            if (!groups.isEmpty() && allGroups) {
                throw new UsageException("--group and --all-groups cannot be combined");
            }
        } else if (allGroups || !groups.isEmpty()) {
            throw new UsageException("--list lists every group: it takes no --group or --all-groups");
        }
        onlyWith(args, action, "--describe", "--offsets", "--members", "--verbose");
        onlyWith(args, action, "--reset-offsets", "--topic", "--all-topics", "--to-earliest", "--to-latest", "--to-current",
                "--to-offset", "--shift-by", "--to-datetime", "--by-duration", "--from-file", "--dry-run", "--execute", "--export");
        if (args.has("--state") && !action.equals("--list") && !action.equals("--describe")) {
            throw new UsageException("--state goes with --list or --describe");
        }
        if (format == OutputFormat.JSON && action.equals("--delete")) {
            throw new UsageException("--format json goes with --list, --describe and --reset-offsets");
        }
        GroupDescriber.View view = action.equals("--describe") ? view(args) : null;
        OffsetReset.Target target = null;
        if (action.equals("--reset-offsets")) {
            if (args.has("--from-file")) { // the file names the partitions; --all-topics is accepted, as Kafka does
                if (args.has("--topic")) {
                    throw new UsageException("--from-file names the partitions itself: no --topic");
                }
                args.oneOf("--to-earliest", "--to-latest", "--to-current", "--to-datetime", "--to-offset", "--shift-by",
                        "--by-duration", "--from-file");
            } else {
                target = target(args);
                if (args.oneOfOrNone("--topic", "--all-topics") == null) {
                    throw new UsageException("--reset-offsets needs --topic T (or T:0,1 for some partitions) or --all-topics");
                }
            }
            if (args.has("--dry-run") && args.has("--execute")) {
                throw new UsageException("--dry-run and --execute cannot be combined");
            }
            if (args.has("--export") && format == OutputFormat.JSON) {
                throw new UsageException("--export and --format json cannot be combined");
            }
        }
        List<String> states = args.has("--state") && action.equals("--list") ? states(args.values("--state")) : null;
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            List<String> chosen = allGroups ? admin.listGroups().join().stream().map(GroupListing::groupId).toList() : groups;
            switch (action) {
                case "--list" -> list(admin, args.has("--state"), states, format, io.out());
                case "--describe" -> describe(admin, chosen, view, args.has("--verbose"), format, io.out());
                case "--reset-offsets" -> reset(admin, chosen, args, target, format, io);
                default -> {
                    return delete(admin, chosen, io);
                }
            }
        }
        return 0;
    }

    /** Options that belong to one action only. */
    private static void onlyWith(Args args, String action, String owner, String... options) throws UsageException {
        if (action.equals(owner)) {
            return;
        }
        for (String option : options) {
            if (args.has(option)) {
                throw new UsageException(option + " goes with " + owner + ", not " + action);
            }
        }
    }

    private static GroupDescriber.View view(Args args) throws UsageException {
        String only = args.oneOfOrNone("--offsets", "--members", "--state");
        if (only == null) {
            return GroupDescriber.View.ALL;
        }
        if (only.equals("--state") && !args.values("--state").isEmpty()) {
            throw new UsageException("--describe --state takes no value (--list --state S filters by state)");
        }
        return switch (only) {
            case "--offsets" -> GroupDescriber.View.OFFSETS;
            case "--members" -> GroupDescriber.View.MEMBERS;
            default -> GroupDescriber.View.STATE;
        };
    }

    /** {@code --state Stable,empty}: Kafka's state names, case-insensitive; empty means every state. */
    private static List<String> states(List<String> given) throws UsageException {
        List<String> out = new ArrayList<>();
        for (String value : given) {
            for (String s : value.split(",")) {
                String state = STATES.stream().filter(k -> k.equalsIgnoreCase(s.trim())).findFirst()
                        .orElseThrow(() -> new UsageException("--state takes " + String.join(", ", STATES) + ", not '" + s.trim() + "'"));
                out.add(state);
            }
        }
        return out;
    }

    private static OffsetReset.Target target(Args args) throws UsageException {
        String how = args.oneOf("--to-earliest", "--to-latest", "--to-current", "--to-datetime", "--to-offset", "--shift-by",
                "--by-duration", "--from-file");
        return switch (how) {
            case "--to-earliest" -> new OffsetReset.Target(OffsetReset.Target.Kind.EARLIEST, 0);
            case "--to-latest" -> new OffsetReset.Target(OffsetReset.Target.Kind.LATEST, 0);
            case "--to-current" -> new OffsetReset.Target(OffsetReset.Target.Kind.CURRENT, 0);
            case "--to-datetime" -> new OffsetReset.Target(OffsetReset.Target.Kind.TIME,
                    OffsetReset.parseDateTime(args.value("--to-datetime")));
            case "--by-duration" -> new OffsetReset.Target(OffsetReset.Target.Kind.TIME,
                    System.currentTimeMillis() - duration(args.value("--by-duration")).toMillis());
            case "--shift-by" -> new OffsetReset.Target(OffsetReset.Target.Kind.SHIFT, args.longValue("--shift-by", 0));
            default -> {
                long offset = args.longValue("--to-offset", -1);
                if (offset < 0) {
                    throw new UsageException("--to-offset must be 0 or more");
                }
                yield new OffsetReset.Target(OffsetReset.Target.Kind.OFFSET, offset);
            }
        };
    }

    /** Kafka's --by-duration: an ISO-8601 duration (PnDTnHnMnS), not negative. */
    private static Duration duration(String text) throws UsageException {
        try {
            Duration d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            if (d.isNegative()) {
                throw new UsageException("--by-duration must not be negative: '" + text + "'");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new UsageException("--by-duration takes an ISO-8601 duration such as PT1H30M or P1DT12H, not '" + text + "'");
        }
    }

    private static void list(SluiceAdmin admin, boolean withState, List<String> states, OutputFormat format, PrintStream out) {
        List<GroupListing> groups = admin.listGroups().join().stream()
                .filter(g -> states == null || states.isEmpty() || states.contains(g.state())).toList();
        if (format == OutputFormat.JSON) {
            List<Object> rows = new ArrayList<>();
            for (GroupListing g : groups) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("group", g.groupId());
                row.put("state", g.state().isEmpty() ? null : g.state());
                row.put("protocolType", g.protocolType());
                rows.add(row);
            }
            out.println(JsonWriter.write(rows, JsonWriter.Others.AS_STRING));
            return;
        }
        if (!withState) {
            groups.forEach(g -> out.println(g.groupId()));
            return;
        }
        Table table = new Table("GROUP", "STATE");
        groups.forEach(g -> table.add(g.groupId(), g.state().isEmpty() ? null : g.state()));
        table.print(out);
    }

    private static void describe(SluiceAdmin admin, List<String> groups, GroupDescriber.View view, boolean verbose,
                                 OutputFormat format, PrintStream out) {
        GroupDescriber describer = new GroupDescriber(admin);
        List<GroupDescriber.Group> described = describer.collect(groups);
        if (format == OutputFormat.JSON) {
            out.println(GroupDescriber.json(described));
        } else {
            describer.print(described, view, verbose, out);
        }
    }

    private static void reset(SluiceAdmin admin, List<String> groups, Args args, OffsetReset.Target target,
                              OutputFormat format, Io io) throws UsageException {
        OffsetReset reset = new OffsetReset(admin);
        Map<String, Map<TopicPartition, Long>> plans = new TreeMap<>();
        if (target == null) {
            plans.putAll(reset.planFromFile(readLines(args.value("--from-file")), groups));
        } else {
            List<TopicPartition> named = args.has("--topic") ? reset.partitions(args.values("--topic")) : null;
            for (String group : groups) {
                plans.put(group, reset.plan(group, named != null ? named : reset.committedPartitions(group), target));
            }
        }
        for (String group : plans.keySet()) {
            reset.requireInactive(group);
        }
        boolean execute = args.has("--execute");
        if (execute) {
            plans.forEach((group, plan) -> {
                if (!plan.isEmpty()) {
                    reset.execute(group, plan);
                }
            });
        } else if (!args.has("--dry-run") && !args.has("--export") && format == OutputFormat.TEXT) {
            io.out().println("WARN: No action will be performed as the --execute option is missing. "
                    + "Add --execute to commit these offsets (--dry-run only shows them, without this warning).");
        }
        if (format == OutputFormat.JSON) {
            io.out().println(OffsetReset.json(plans));
        } else if (args.has("--export")) {
            OffsetReset.printCsv(plans, io.out());
        } else {
            OffsetReset.print(plans, io.out());
        }
    }

    private static List<String> readLines(String file) {
        try {
            return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandFailure("cannot read --from-file '" + file + "': " + dev.sluice.tools.cli.FailureText.of(e));
        }
    }

    /**
     * Deletes each group on its own, as kafka-consumer-groups.sh: the ones that can go are deleted,
     * each failure is named with its reason (on stderr, where Kafka prints only the first line),
     * and the exit code says whether all went.
     */
    private static int delete(SluiceAdmin admin, List<String> groups, Io io) {
        List<String> deleted = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (String group : groups) {
            try {
                admin.deleteGroups(List.of(group)).join();
                deleted.add(group);
            } catch (RuntimeException e) {
                String error = errorName(e);
                if ("NON_EMPTY_GROUP".equals(error)) {
                    failed.put(group, "the group has active members: stop its consumers first (NON_EMPTY_GROUP)");
                } else if ("GROUP_ID_NOT_FOUND".equals(error)) {
                    failed.put(group, "the group does not exist (GROUP_ID_NOT_FOUND)");
                } else {
                    failed.put(group, explain(e, null));
                }
            }
        }
        if (failed.isEmpty()) {
            io.out().println("Deletion of requested consumer groups (" + quoted(deleted) + ") was successful.");
            return 0;
        }
        io.err().println("Error: Deletion of some consumer groups failed:");
        failed.forEach((group, why) -> io.err().println("* Group '" + group + "' could not be deleted due to: " + why));
        if (!deleted.isEmpty()) {
            io.out().println();
            io.out().println("These consumer groups were deleted successfully: " + quoted(deleted));
        }
        return 1;
    }

    private static String quoted(List<String> groups) {
        return String.join(", ", groups.stream().map(g -> "'" + g + "'").toList());
    }
}

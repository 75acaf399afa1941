package dev.sluice.tools.groups;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.GroupListing;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.Table;
import dev.sluice.tools.cli.UsageException;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code sluice groups}: list, describe, reset offsets of and delete consumer groups, like kafka-consumer-groups.sh. */
public final class GroupsCommand extends ClientCommand {

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
        return "usage: sluice groups --list [--state] | --describe --group G | --delete --group G\n"
                + "       sluice groups --reset-offsets --group G --topic T[:P,...] (--to-earliest | --to-latest |\n"
                + "                     --to-datetime 2026-01-01T00:00:00Z | --to-offset N) [--dry-run | --execute]";
    }

    @Override
    public String help() {
        return usage() + """


                Manages consumer groups, like kafka-consumer-groups.sh.

                Actions (exactly one):
                  --list               group ids, one per line (with --state: a GROUP STATE table)
                  --describe           the group's state; per partition the committed offset, log end
                                       offset, lag and owning member; then members and assignments
                  --reset-offsets      set the group's committed offsets of --topic; prints the plan and
                                       applies it only with --execute (the group must have no members)
                  --delete             delete a group without members, with its offsets

                Options:
                  --group G            the group (--delete: repeatable)
                  --topic T[:P,...]    --reset-offsets: a topic, or some of its partitions (repeatable)
                  --to-earliest        the first offset of each partition
                  --to-latest          the log end
                  --to-datetime T      the first record at or after T (ISO-8601; without a zone: local time)
                  --to-offset N        N, kept between the first offset and the log end
                  --dry-run            only show the new offsets (the default)
                  --execute            commit them
                  --bootstrap-server   broker to connect to (default localhost:9092)
                  --command-config F   admin client properties (Kafka names)

                Example:
                  sluice groups --reset-offsets --group billing --topic orders --to-earliest --execute""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--list", "--describe", "--reset-offsets", "--delete", "--state", "--to-earliest",
                        "--to-latest", "--dry-run", "--execute")
                .value("--to-datetime", "--to-offset").list("--group", "--topic");
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String action = args.oneOf("--list", "--describe", "--reset-offsets", "--delete");
        List<String> groups = args.values("--group");
        if (!action.equals("--list") && groups.isEmpty()) {
            throw new UsageException(action + " needs --group");
        }
        if ((action.equals("--describe") || action.equals("--reset-offsets")) && groups.size() > 1) {
            throw new UsageException(action + " takes one --group");
        }
        OffsetReset.Target target = null;
        if (action.equals("--reset-offsets")) {
            target = target(args);
            if (args.values("--topic").isEmpty()) {
                throw new UsageException("--reset-offsets needs --topic T (or T:0,1 for some partitions)");
            }
            if (args.has("--dry-run") && args.has("--execute")) {
                throw new UsageException("--dry-run and --execute cannot be combined");
            }
        }
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            switch (action) {
                case "--list" -> list(admin, args.has("--state"), io.out());
                case "--describe" -> new GroupDescriber(admin).describe(groups.get(0), io.out());
                case "--reset-offsets" -> reset(admin, groups.get(0), args, target, io.out());
                default -> delete(admin, groups, io.out());
            }
        }
        return 0;
    }

    private static OffsetReset.Target target(Args args) throws UsageException {
        String how = args.oneOf("--to-earliest", "--to-latest", "--to-datetime", "--to-offset");
        return switch (how) {
            case "--to-earliest" -> new OffsetReset.Target(OffsetReset.Target.Kind.EARLIEST, 0);
            case "--to-latest" -> new OffsetReset.Target(OffsetReset.Target.Kind.LATEST, 0);
            case "--to-datetime" -> new OffsetReset.Target(OffsetReset.Target.Kind.TIME,
                    OffsetReset.parseDateTime(args.value("--to-datetime")));
            default -> {
                long offset = args.longValue("--to-offset", -1);
                if (offset < 0) {
                    throw new UsageException("--to-offset must be 0 or more");
                }
                yield new OffsetReset.Target(OffsetReset.Target.Kind.OFFSET, offset);
            }
        };
    }

    private static void list(SluiceAdmin admin, boolean withState, PrintStream out) {
        List<GroupListing> groups = admin.listGroups().join();
        if (!withState) {
            groups.forEach(g -> out.println(g.groupId()));
            return;
        }
        Table table = new Table("GROUP", "STATE");
        groups.forEach(g -> table.add(g.groupId(), g.state().isEmpty() ? null : g.state()));
        table.print(out);
    }

    private static void reset(SluiceAdmin admin, String group, Args args, OffsetReset.Target target, PrintStream out)
            throws UsageException {
        OffsetReset reset = new OffsetReset(admin);
        List<TopicPartition> partitions = reset.partitions(args.values("--topic"));
        reset.requireInactive(group);
        Map<TopicPartition, Long> plan = reset.plan(partitions, target);
        if (args.has("--execute")) {
            reset.execute(group, plan);
        } else if (!args.has("--dry-run")) {
            out.println("WARN: No action will be performed as the --execute option is missing. "
                    + "Add --execute to commit these offsets (--dry-run only shows them, without this warning).");
        }
        OffsetReset.print(group, plan, out);
    }

    private static void delete(SluiceAdmin admin, List<String> groups, PrintStream out) {
        for (String group : groups) {
            try {
                admin.deleteGroups(List.of(group)).join();
            } catch (RuntimeException e) {
                String error = errorName(e);
                if ("NON_EMPTY_GROUP".equals(error)) {
                    throw new CommandFailure("group '" + group + "' has active members: stop its consumers, then delete it");
                }
                if ("GROUP_ID_NOT_FOUND".equals(error)) {
                    throw new CommandFailure("consumer group '" + group + "' does not exist (sluice groups --list shows the groups there are)");
                }
                throw e;
            }
        }
        out.println("Deletion of requested consumer groups (" + String.join(", ", groups.stream().map(g -> "'" + g + "'").toList())
                + ") was successful.");
    }
}

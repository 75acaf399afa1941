package dev.sluice.tools.admin;

import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.AclBinding;
import dev.sluice.api.security.AclBindingFilter;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.AclPermissionType;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.PatternType;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.OutputFormat;
import dev.sluice.tools.cli.UsageException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sluice acls}: adds, removes and lists ACLs with kafka-acls.sh's options and output lines
 * ({@code Current ACLs for resource `ResourcePattern(...)`:}), over CreateAcls, DeleteAcls and DescribeAcls.
 * Runs on the calling thread.
 */
public final class AclsCommand extends ClientCommand {

    @Override
    public String name() {
        return "acls";
    }

    @Override
    public String summary() {
        return "add, remove and list ACLs (kafka-acls.sh)";
    }

    @Override
    protected String usage() {
        return "usage: sluice acls --list [RESOURCE] [--resource-pattern-type any|match|literal|prefixed] [--principal P]\n"
                + "       sluice acls --add|--remove RESOURCE [--resource-pattern-type literal|prefixed]\n"
                + "                   (--allow-principal P | --deny-principal P)... [--allow-host H]... [--deny-host H]...\n"
                + "                   [--operation OP]...\n"
                + "       RESOURCE: --topic T | --group G | --transactional-id X | --cluster (several may be given)";
    }

    @Override
    public String help() {
        return usage() + """


                ACLs of a broker with authorizer.class.name set (acl: the built-in ACL authorizer). A broker
                without one answers that security is disabled.

                Options:
                  --add / --remove / --list    what to do
                  --topic T, --group G, --transactional-id X, --cluster    the resources
                  --resource-pattern-type      literal (default for --add/--remove: the name itself, or * for every
                                               resource), prefixed (every name starting with it); for --list also
                                               match (every ACL applying to the named resource) and any (default)
                  --allow-principal P          who is allowed, e.g. User:alice, User:* for everyone (repeatable)
                  --deny-principal P           who is denied (repeatable); a deny wins over every allow
                  --allow-host H / --deny-host H   from where (default * : every host)
                  --operation OP               Read, Write, Create, Delete, Alter, Describe, ClusterAction,
                                               DescribeConfigs, AlterConfigs, IdempotentWrite, All (default All)
                  --principal P                --list only the ACLs of this principal
                  --force                      accepted for kafka-acls.sh's scripts (nothing is asked)
                  --format text|json           output of --list
                  --bootstrap-server H:P       broker to connect to (default localhost:9092)
                  --command-config FILE        admin client properties (Kafka names)

                Examples:
                  sluice acls --add --allow-principal User:alice --operation Read --operation Write --topic orders
                  sluice acls --add --allow-principal User:etl --operation All --topic etl- --resource-pattern-type prefixed
                  sluice acls --add --deny-principal User:bob --operation Write --topic payments
                  sluice acls --list --topic orders --resource-pattern-type match
                  sluice acls --remove --allow-principal User:alice --operation Write --topic orders""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--add", "--remove", "--list", "--cluster", "--force")
                .value("--resource-pattern-type", "--principal")
                .list("--topic", "--group", "--transactional-id", "--allow-principal", "--deny-principal", "--allow-host",
                        "--deny-host", "--operation")
                .format();
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String action = args.oneOf("--add", "--remove", "--list");
        OutputFormat format = OutputFormat.of(args);
        List<Map.Entry<ResourceType, String>> resources = resources(args);
        PatternType patternType = patternType(args, action.equals("--list") ? PatternType.ANY : PatternType.LITERAL);
        if (!action.equals("--list")) {
            if (!patternType.isSpecific()) {
                throw new UsageException("--add and --remove take --resource-pattern-type literal or prefixed, not "
                        + patternType.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (resources.isEmpty()) {
                throw new UsageException(action + " needs a resource: --topic, --group, --transactional-id or --cluster");
            }
        }
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            switch (action) {
                case "--add" -> {
                    List<AclBinding> bindings = new ArrayList<>();
                    List<AccessControlEntry> entries = entries(args, true);
                    for (Map.Entry<ResourceType, String> r : resources) {
                        ResourcePattern pattern = new ResourcePattern(r.getKey(), r.getValue(), patternType);
                        io.out().println("Adding ACLs for resource `" + pattern + "`: ");
                        for (AccessControlEntry e : entries) {
                            io.out().println(" \t" + e);
                            bindings.add(new AclBinding(pattern, e));
                        }
                        io.out().println();
                    }
                    admin.createAcls(bindings).join();
                }
                case "--remove" -> {
                    List<AclBindingFilter> filters = new ArrayList<>();
                    List<AccessControlEntry> entries = entries(args, false);
                    for (Map.Entry<ResourceType, String> r : resources) {
                        if (entries.isEmpty()) { // as kafka-acls.sh: no principal named removes every ACL of the resource
                            filters.add(new AclBindingFilter(r.getKey(), r.getValue(), patternType, null, null, AclOperation.ANY,
                                    AclPermissionType.ANY));
                        }
                        for (AccessControlEntry e : entries) {
                            filters.add(new AclBindingFilter(r.getKey(), r.getValue(), patternType, e.principal(), e.host(),
                                    e.operation(), e.permission()));
                        }
                    }
                    List<AclBinding> removed = admin.deleteAcls(filters).join();
                    for (AclBinding b : removed) {
                        io.out().println("Removed ACL " + b.entry() + " of resource `" + b.pattern() + "`");
                    }
                    if (removed.isEmpty()) {
                        io.out().println("No ACLs matched.");
                    }
                }
                default -> list(admin, args, resources, patternType, format, io);
            }
        }
        return 0;
    }

    private static void list(SluiceAdmin admin, Args args, List<Map.Entry<ResourceType, String>> resources,
                             PatternType patternType, OutputFormat format, Io io) throws UsageException {
        String principal = args.value("--principal");
        if (principal != null) {
            principal(principal);
        }
        List<AclBindingFilter> filters = new ArrayList<>();
        if (resources.isEmpty()) {
            filters.add(new AclBindingFilter(ResourceType.ANY, null, patternType, principal, null, AclOperation.ANY,
                    AclPermissionType.ANY));
        }
        for (Map.Entry<ResourceType, String> r : resources) {
            filters.add(new AclBindingFilter(r.getKey(), r.getValue(), patternType, principal, null, AclOperation.ANY,
                    AclPermissionType.ANY));
        }
        // sorted, so the same ACLs always list the same way (the broker answers each filter in its own order)
        Map<ResourcePattern, List<AccessControlEntry>> byPattern = new java.util.TreeMap<>(
                java.util.Comparator.comparing((ResourcePattern p) -> p.resourceType().name())
                        .thenComparing(ResourcePattern::name).thenComparing(p -> p.patternType().name()));
        for (AclBindingFilter filter : filters) {
            for (AclBinding b : admin.describeAcls(filter).join()) {
                List<AccessControlEntry> entries = byPattern.computeIfAbsent(b.pattern(), p -> new ArrayList<>());
                if (!entries.contains(b.entry())) {
                    entries.add(b.entry());
                }
            }
        }
        if (format == OutputFormat.JSON) {
            List<Object> acls = new ArrayList<>();
            byPattern.forEach((pattern, entries) -> entries.forEach(e -> {
                Map<String, Object> acl = new LinkedHashMap<>();
                acl.put("resourceType", pattern.resourceType().name());
                acl.put("name", pattern.name());
                acl.put("patternType", pattern.patternType().name());
                acl.put("principal", e.principal());
                acl.put("host", e.host());
                acl.put("operation", e.operation().name());
                acl.put("permissionType", e.permission().name());
                acls.add(acl);
            }));
            io.out().println(JsonWriter.write(acls));
            return;
        }
        byPattern.forEach((pattern, entries) -> {
            io.out().println("Current ACLs for resource `" + pattern + "`: ");
            entries.forEach(e -> io.out().println(" \t" + e));
            io.out().println();
        });
    }

    private static List<Map.Entry<ResourceType, String>> resources(Args args) {
        List<Map.Entry<ResourceType, String>> resources = new ArrayList<>();
        args.values("--topic").forEach(t -> resources.add(Map.entry(ResourceType.TOPIC, t)));
        args.values("--group").forEach(g -> resources.add(Map.entry(ResourceType.GROUP, g)));
        args.values("--transactional-id").forEach(x -> resources.add(Map.entry(ResourceType.TRANSACTIONAL_ID, x)));
        if (args.has("--cluster")) {
            resources.add(Map.entry(ResourceType.CLUSTER, ResourcePattern.CLUSTER_NAME));
        }
        return resources;
    }

    private static PatternType patternType(Args args, PatternType defaultType) throws UsageException {
        String text = args.value("--resource-pattern-type");
        if (text == null) {
            return defaultType;
        }
        PatternType type = PatternType.fromName(text);
        if (type == PatternType.UNKNOWN) {
            throw new UsageException("--resource-pattern-type takes any, match, literal or prefixed, not '" + text + "'");
        }
        return type;
    }

    /** The entries --add creates (every principal, host and operation combined); --remove's, or none to remove all. */
    private static List<AccessControlEntry> entries(Args args, boolean adding) throws UsageException {
        List<AclOperation> operations = new ArrayList<>();
        for (String op : args.values("--operation")) {
            AclOperation operation = AclOperation.fromName(op);
            if (operation == AclOperation.UNKNOWN || operation == AclOperation.ANY) {
                throw new UsageException("--operation " + op + ": one of Read, Write, Create, Delete, Alter, Describe, "
                        + "ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All");
            }
            operations.add(operation);
        }
        if (operations.isEmpty()) {
            operations.add(AclOperation.ALL);
        }
        List<AccessControlEntry> entries = new ArrayList<>();
        add(entries, args.values("--allow-principal"), hosts(args, "--allow-host"), operations, AclPermissionType.ALLOW);
        add(entries, args.values("--deny-principal"), hosts(args, "--deny-host"), operations, AclPermissionType.DENY);
        if (adding && entries.isEmpty()) {
            throw new UsageException("--add needs --allow-principal or --deny-principal");
        }
        return entries;
    }

    private static List<String> hosts(Args args, String option) {
        List<String> hosts = args.values(option);
        return hosts.isEmpty() ? List.of(AccessControlEntry.WILDCARD_HOST) : hosts;
    }

    private static void add(List<AccessControlEntry> entries, List<String> principals, List<String> hosts,
                            List<AclOperation> operations, AclPermissionType permission) throws UsageException {
        for (String p : principals) {
            String principal = principal(p);
            for (String host : hosts) {
                for (AclOperation op : operations) {
                    entries.add(new AccessControlEntry(principal, host, op, permission));
                }
            }
        }
    }

    private static String principal(String text) throws UsageException {
        try {
            return KafkaPrincipal.parse(text).toString();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}

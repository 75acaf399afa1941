package dev.sluice.tools.configs;

import dev.sluice.client.admin.ConfigEntry;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.TopicCheck;
import dev.sluice.tools.cli.UsageException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code sluice configs}: describe and change the dynamic configs of topics and brokers, with
 * kafka-configs.sh's options and output ({@code --entity-type brokers --entity-name 1 |
 * --entity-default --alter --add-config k=v --delete-config k}, {@code --describe [--all]}).
 */
public final class ConfigsCommand extends ClientCommand {

    @Override
    public String name() {
        return "configs";
    }

    @Override
    public String summary() {
        return "describe and alter topic and broker configs (dynamic broker configs included)";
    }

    @Override
    protected String usage() {
        return "usage: sluice configs --describe --entity-type topics|brokers (--entity-name N | --entity-default) [--all]\n"
                + "       sluice configs --alter --entity-type topics|brokers (--entity-name N | --entity-default)\n"
                + "                      [--add-config k=v[,k=v...]]... [--delete-config k[,k...]]...";
    }

    @Override
    public String help() {
        return usage() + """


                Describes and changes configs, like kafka-configs.sh.

                Actions (exactly one):
                  --describe              the configs set on the entity (Kafka's "Dynamic configs for
                                          broker 1 are:"), each with its synonyms; --all: every config
                  --alter                 --add-config and/or --delete-config on the entity

                Options:
                  --entity-type T         topics or brokers
                  --entity-name N         the topic's name, or the broker's id
                  --entity-default        brokers: the cluster-wide default every broker uses unless its
                                          own config overrides it
                  --add-config k=v,...    set these (repeatable; a list value in brackets:
                                          log.cleanup.policy=[delete,compact])
                  --delete-config k,...   remove these: back to the next value in line (repeatable)
                  --all                   --describe: every config, not only those set on the entity
                  --bootstrap-server H:P  broker to connect to (default localhost:9092)
                  --command-config FILE   admin client properties (Kafka names)

                Broker configs that change at run time are the broker defaults of topic settings
                (log.retention.ms, log.segment.bytes, message.max.bytes, log.cleanup.policy, ...); a
                broker's own value wins over the cluster default, which wins over its properties file.
                Others are refused: set them in the broker's properties and restart it.

                Examples:
                  sluice configs --alter --entity-type brokers --entity-name 1 --add-config log.retention.ms=3600000
                  sluice configs --alter --entity-type brokers --entity-default --add-config message.max.bytes=2000000
                  sluice configs --describe --entity-type brokers --entity-name 1
                  sluice configs --alter --entity-type topics --entity-name orders --delete-config retention.ms""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--describe", "--alter", "--entity-default", "--all")
                .value("--entity-type", "--entity-name").list("--add-config", "--delete-config");
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String action = args.oneOf("--describe", "--alter");
        String type = args.required("--entity-type");
        if (!type.equals("topics") && !type.equals("brokers")) {
            throw new UsageException("--entity-type must be topics or brokers, not '" + type + "'");
        }
        String name = args.value("--entity-name");
        boolean isDefault = args.has("--entity-default");
        if ((name == null) == !isDefault) {
            throw new UsageException("give exactly one of --entity-name or --entity-default");
        }
        if (isDefault && type.equals("topics")) {
            throw new UsageException("--entity-default goes with --entity-type brokers (topics take the brokers' values)");
        }
        if (type.equals("brokers") && name != null && !name.matches("\\d+")) {
            throw new UsageException("--entity-name of a broker is its id (a number), not '" + name + "'");
        }
        Map<String, String> add = parseAddConfig(args.values("--add-config"));
        List<String> delete = new ArrayList<>();
        args.values("--delete-config").forEach(v -> delete.addAll(splitOutsideBrackets(v)));
        if (action.equals("--alter") && add.isEmpty() && delete.isEmpty()) {
            throw new UsageException("--alter needs --add-config k=v or --delete-config k");
        }
        if (action.equals("--describe") && (!add.isEmpty() || !delete.isEmpty())) {
            throw new UsageException("--add-config and --delete-config go with --alter");
        }
        if (args.has("--all") && !action.equals("--describe")) {
            throw new UsageException("--all goes with --describe");
        }
        ConfigResource resource = type.equals("topics") ? ConfigResource.topic(name)
                : isDefault ? ConfigResource.brokerDefault() : ConfigResource.broker(Integer.parseInt(name));
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            if (type.equals("topics")) {
                TopicCheck.require(admin, name);
            }
            if (action.equals("--alter")) {
                admin.incrementalAlterConfigs(resource, add, delete).join();
                io.out().println(isDefault ? "Completed updating default config for brokers in the cluster."
                        : "Completed updating config for " + entity(type) + " " + name + ".");
            } else {
                describe(admin, resource, type, isDefault, args.has("--all"), io.out());
            }
        }
        return 0;
    }

    private static String entity(String type) {
        return type.equals("topics") ? "topic" : "broker";
    }

    /** kafka-configs.sh's describe: a heading, then {@code  k=v sensitive=false synonyms={SOURCE:k=v, ...}}. */
    private static void describe(SluiceAdmin admin, ConfigResource resource, String type, boolean isDefault, boolean all,
                                 PrintStream out) {
        Map<String, ConfigEntry> entries = admin.describeConfigs(List.of(resource)).join().get(resource);
        byte own = type.equals("topics") ? (byte) 1 : isDefault ? (byte) 3 : (byte) 2;
        out.println(isDefault ? "Default configs for brokers in the cluster are:"
                : (all ? "All" : "Dynamic") + " configs for " + entity(type) + " " + resource.name() + " are:");
        for (ConfigEntry e : new TreeMap<>(entries).values()) {
            if (!all && e.source() != own) {
                continue;
            }
            List<String> synonyms = e.synonyms().stream()
                    .map(s -> ConfigEntry.sourceName(s.source()) + ":" + s.name() + "=" + s.value()).toList();
            out.println("  " + e.name() + "=" + e.value() + " sensitive=" + e.sensitive()
                    + " synonyms={" + String.join(", ", synonyms) + "}");
        }
    }

    /** {@code k=v,k2=[a,b]} (repeatable) into settings; a bracketed value is a list, its commas kept. */
    static Map<String, String> parseAddConfig(List<String> values) throws UsageException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String value : values) {
            for (String pair : splitOutsideBrackets(value)) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("--add-config takes k=v pairs separated by commas, not '" + pair + "'");
                }
                String v = pair.substring(eq + 1).trim();
                if (v.startsWith("[") && v.endsWith("]")) {
                    v = v.substring(1, v.length() - 1);
                }
                out.put(pair.substring(0, eq).trim(), v);
            }
        }
        return out;
    }

    private static List<String> splitOutsideBrackets(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth = Math.max(0, depth - 1);
            }
            if (c == ',' && depth == 0) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}

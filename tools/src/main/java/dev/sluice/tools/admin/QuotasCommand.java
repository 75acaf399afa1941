package dev.sluice.tools.admin;

import dev.sluice.client.admin.ClientQuota;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.UsageException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@code sluice quotas}: the client quotas of users and client ids ({@code producer_byte_rate},
 * {@code consumer_byte_rate}, {@code request_percentage}), described and altered with
 * kafka-configs.sh's output lines ({@code Quota configs for client-id 'c' are k=v, ...}).
 */
public final class QuotasCommand extends ClientCommand {
    private static final String USER = "user";
    private static final String CLIENT_ID = "client-id";

    @Override
    public String name() {
        return "quotas";
    }

    @Override
    public String summary() {
        return "describe and alter client quotas of users and client ids (kafka-configs.sh --entity-type clients|users)";
    }

    @Override
    protected String usage() {
        return "usage: sluice quotas --describe [--user U | --user-default] [--client-id C | --client-default]\n"
                + "       sluice quotas --alter (--user U | --user-default) and/or (--client-id C | --client-default)\n"
                + "                     [--add-config k=v[,k=v...]]... [--delete-config k[,k...]]...";
    }

    @Override
    public String help() {
        return usage() + """


                Client quotas, enforced by every broker by throttling (the client is told to wait, and
                the broker stops reading its connection for that time), like Kafka's.

                Keys:
                  producer_byte_rate      bytes per second a client may produce
                  consumer_byte_rate      bytes per second a client may fetch
                  request_percentage      share of one request-handler thread's time (200 = two threads)

                Options:
                  --describe              the quotas set (all, or of the entity named)
                  --alter                 --add-config and/or --delete-config on the entity
                  --user U / --user-default            the user (without authentication every client
                                                       is the user ANONYMOUS) or the default user
                  --client-id C / --client-default     the client.id or the default client id
                  --add-config k=v,...    set these (repeatable)
                  --delete-config k,...   remove these (repeatable)
                  --bootstrap-server H:P  broker to connect to (default localhost:9092)
                  --command-config FILE   admin client properties (Kafka names)

                The most specific quota applies: user and client id, then user, then client id, with
                defaults after named ones (Kafka's order). A user's quota is shared by all its client ids.

                Examples:
                  sluice quotas --alter --client-id reporting --add-config producer_byte_rate=1048576
                  sluice quotas --alter --client-default --add-config consumer_byte_rate=10485760
                  sluice quotas --describe
                  sluice quotas --alter --client-id reporting --delete-config producer_byte_rate""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--describe", "--alter", "--user-default", "--client-default")
                .value("--user", "--client-id").list("--add-config", "--delete-config");
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String action = args.oneOf("--describe", "--alter");
        Map<String, String> entity = entity(args);
        Map<String, Double> changes = new LinkedHashMap<>();
        for (String list : args.values("--add-config")) {
            for (String pair : list.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("--add-config takes key=value pairs (producer_byte_rate=1048576), not '" + pair + "'");
                }
                try {
                    changes.put(pair.substring(0, eq).strip(), Double.parseDouble(pair.substring(eq + 1).strip()));
                } catch (NumberFormatException e) {
                    throw new UsageException("--add-config " + pair + ": a quota is a number (bytes per second, or a percentage)");
                }
            }
        }
        for (String list : args.values("--delete-config")) {
            for (String key : list.split(",")) {
                changes.put(key.strip(), null);
            }
        }
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            if (action.equals("--alter")) {
                if (entity.isEmpty()) {
                    throw new UsageException("--alter needs the entity: --user U, --user-default, --client-id C and/or --client-default");
                }
                if (changes.isEmpty()) {
                    throw new UsageException("--alter needs --add-config k=v or --delete-config k");
                }
                admin.alterClientQuotas(entity, changes).join();
                io.out().println("Completed updating quotas for " + describe(entity) + ".");
                return 0;
            }
            if (!changes.isEmpty()) {
                throw new UsageException("--add-config and --delete-config go with --alter");
            }
            List<ClientQuota> quotas = new ArrayList<>(admin.describeClientQuotas(entity, !entity.isEmpty()).join());
            quotas.sort((a, b) -> describe(a.entity()).compareTo(describe(b.entity())));
            if (quotas.isEmpty()) {
                io.out().println(entity.isEmpty() ? "No quotas are set." : "No quotas are set for " + describe(entity) + ".");
            }
            for (ClientQuota quota : quotas) {
                StringJoiner values = new StringJoiner(", ");
                quota.values().forEach((k, v) -> values.add(k + "=" + v));
                io.out().println("Quota configs for " + describe(quota.entity()) + " are " + values);
            }
        }
        return 0;
    }

    private static Map<String, String> entity(Args args) throws UsageException {
        Map<String, String> entity = new LinkedHashMap<>();
        if (args.has("--user") && args.has("--user-default")) {
            throw new UsageException("give --user U or --user-default, not both");
        }
        if (args.has("--client-id") && args.has("--client-default")) {
            throw new UsageException("give --client-id C or --client-default, not both");
        }
        if (args.has("--user") || args.has("--user-default")) {
            entity.put(USER, args.value("--user"));
        }
        if (args.has("--client-id") || args.has("--client-default")) {
            entity.put(CLIENT_ID, args.value("--client-id"));
        }
        return entity;
    }

    /** kafka-configs.sh's words: {@code user-principal 'alice', client-id 'etl'}, {@code the default client-id}. */
    static String describe(Map<String, String> entity) {
        StringJoiner text = new StringJoiner(", ");
        if (entity.containsKey(USER)) {
            text.add(entity.get(USER) == null ? "the default user-principal" : "user-principal '" + entity.get(USER) + "'");
        }
        if (entity.containsKey(CLIENT_ID)) {
            text.add(entity.get(CLIENT_ID) == null ? "the default client-id" : "client-id '" + entity.get(CLIENT_ID) + "'");
        }
        return text.toString();
    }
}

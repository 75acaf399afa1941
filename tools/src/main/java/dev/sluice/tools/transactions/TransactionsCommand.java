package dev.sluice.tools.transactions;

import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TransactionDescription;
import dev.sluice.client.admin.TransactionListing;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.OutputFormat;
import dev.sluice.tools.cli.Table;
import dev.sluice.tools.cli.UsageException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code sluice transactions list | describe <transactional.id>}: the transactional ids the cluster's
 * coordinators know, and one id's state, with kafka-transactions.sh's columns.
 */
public final class TransactionsCommand extends ClientCommand {
    private static final List<String> ACTIONS = List.of("list", "describe");

    @Override
    public String name() {
        return "transactions";
    }

    @Override
    public String summary() {
        return "list transactional ids and describe one's transaction state";
    }

    @Override
    protected String usage() {
        return "usage: sluice transactions list [--format json]\n"
                + "       sluice transactions describe <transactional.id> [--format json]";
    }

    @Override
    public String help() {
        return usage() + """


                Shows what the transaction coordinators know, like kafka-transactions.sh.

                Actions:
                  list                 every transactional id with its coordinator, producer id and state
                                       (Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit,
                                       CompleteAbort, PrepareEpochFence, Dead)
                  describe ID          one id at its coordinator: producer id and epoch, state, timeout,
                                       when the open transaction started, how long it has run, and the
                                       partitions in it (also --transactional-id ID)

                Options:
                  --format json        (-o json) one JSON document instead of the table
                  --bootstrap-server   broker to connect to (default localhost:9092)
                  --command-config F   admin client properties (Kafka names)

                Example:
                  sluice transactions describe orders-processor-0""";
    }

    @Override
    protected Options options() {
        return new Options().positional("--action", "--transactional-id").format();
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String action = args.value("--action");
        if (action == null) {
            throw new UsageException("say what to do: list or describe <transactional.id>");
        }
        if (!ACTIONS.contains(action)) {
            throw new UsageException("unknown action '" + action + "': use list or describe <transactional.id>");
        }
        OutputFormat format = OutputFormat.of(args);
        String id = args.value("--transactional-id");
        if (action.equals("list") && id != null) {
            throw new UsageException("list shows every transactional id: it takes none (describe " + id + " shows one)");
        }
        if (action.equals("describe") && (id == null || id.isEmpty())) {
            throw new UsageException("describe needs the transactional id: sluice transactions describe <transactional.id>");
        }
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            if (action.equals("list")) {
                list(admin, format, io.out());
            } else {
                describe(admin, id, format, io.out());
            }
        }
        return 0;
    }

    private static void list(SluiceAdmin admin, OutputFormat format, PrintStream out) {
        List<TransactionListing> listed = admin.listTransactions().join();
        if (format == OutputFormat.JSON) {
            List<Object> rows = new ArrayList<>();
            for (TransactionListing t : listed) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("transactionalId", t.transactionalId());
                row.put("coordinator", t.coordinatorId());
                row.put("producerId", t.producerId());
                row.put("state", t.state());
                rows.add(row);
            }
            out.println(JsonWriter.write(rows, JsonWriter.Others.AS_STRING));
            return;
        }
        Table table = new Table("TransactionalId", "Coordinator", "ProducerId", "TransactionState");
        listed.forEach(t -> table.add(t.transactionalId(), t.coordinatorId(), t.producerId(), t.state()));
        table.print(out);
    }

    private static void describe(SluiceAdmin admin, String id, OutputFormat format, PrintStream out) {
        TransactionDescription d;
        try {
            d = admin.describeTransactions(List.of(id)).join().get(id);
        } catch (RuntimeException e) {
            if ("TRANSACTIONAL_ID_NOT_FOUND".equals(errorName(e))) {
                throw new CommandFailure("no transactional id '" + id + "' in the cluster: it never initialized, or it"
                        + " expired after transactional.id.expiration.ms ('sluice transactions list' shows the known ids)");
            }
            throw e;
        }
        long now = System.currentTimeMillis();
        Long duration = d.startTimeMs() < 0 ? null : Math.max(0, now - d.startTimeMs());
        String partitions = d.partitions().stream().map(TopicPartition::toString).collect(Collectors.joining(","));
        if (format == OutputFormat.JSON) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("coordinatorId", d.coordinatorId());
            row.put("transactionalId", d.transactionalId());
            row.put("producerId", d.producerId());
            row.put("producerEpoch", (int) d.producerEpoch());
            row.put("state", d.state());
            row.put("transactionTimeoutMs", d.timeoutMs());
            row.put("currentTransactionStartTimeMs", d.startTimeMs() < 0 ? null : d.startTimeMs());
            row.put("transactionDurationMs", duration);
            List<Object> tps = new ArrayList<>();
            d.partitions().forEach(tp -> tps.add(tp.toString()));
            row.put("topicPartitions", tps);
            out.println(JsonWriter.write(row, JsonWriter.Others.AS_STRING));
            return;
        }
        Table table = new Table("CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch", "TransactionState",
                "TransactionTimeoutMs", "CurrentTransactionStartTimeMs", "TransactionDurationMs", "TopicPartitions");
        table.add(d.coordinatorId(), d.transactionalId(), d.producerId(), d.producerEpoch(), d.state(), d.timeoutMs(),
                d.startTimeMs() < 0 ? "None" : d.startTimeMs(), duration == null ? "None" : duration, partitions);
        table.print(out);
    }
}

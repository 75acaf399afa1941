package dev.sluice.tools.console;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.StopSignal;
import dev.sluice.tools.cli.TopicCheck;
import dev.sluice.tools.cli.UsageException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code sluice consume}: the console consumer, printing records as kafka-console-consumer.sh does. */
public final class ConsumeCommand extends ClientCommand {
    private static final Duration POLL = Duration.ofMillis(200);

    @Override
    public String name() {
        return "consume";
    }

    @Override
    public String summary() {
        return "print records of a topic (console consumer)";
    }

    @Override
    protected String usage() {
        return "usage: sluice consume --topic T [--from-beginning | --offset N|earliest|latest --partition P] [--max-messages N]\n"
                + "                      [--timeout-ms N] [--property print.key=true ... | --format '%k %v\\n' | --format json]\n"
                + "                      [--group G [--no-commit]] [--isolation-level read_committed|read_uncommitted]";
    }

    @Override
    public String help() {
        return usage() + """


                Prints each record's value (and more, see --property) on a line, like
                kafka-console-consumer.sh, until --max-messages, --timeout-ms or Ctrl-C; then prints
                "Processed a total of N messages" on stderr.

                Options:
                  --topic T                topic to read (every partition, unless --partition)
                  --from-beginning         start at the first record (default: only new records)
                  --partition P            read only partition P
                  --offset O               with --partition: start at offset O, earliest or latest
                  --max-messages N         stop after N records
                  --timeout-ms N           stop when no record came for N ms
                  --property k=v ...       what to print (Kafka's names): print.key, print.timestamp,
                                           print.partition, print.offset, print.headers, print.value
                                           (true/false), key.separator (default tab), line.separator,
                                           headers.separator (,), headers.key.separator (:), null.literal
                  --format F               (-f F) print each record as the kcat-style format string F:
                                           %t topic, %p partition, %o offset, %k key, %v value,
                                           %T timestamp (ms), %h headers (k=v,...), %K / %S key /
                                           value length, %% percent; \\n \\t escapes (no newline is
                                           added); or json: one JSON object per record
                  --group G                join consumer group G: share the topic's partitions with
                                           its other members, start at its committed offsets (else as
                                           --from-beginning says), commit after each printed record
                  --no-commit              with --group: read-only; start at the group's committed
                                           offsets without joining the group and never commit
                  --isolation-level L      read_uncommitted (default): every record up to the high
                                           watermark, aborted transactions' records included;
                                           read_committed: only records of committed transactions
                                           (and of none), up to the last stable offset
                  --consumer-property k=v  any consumer setting, e.g. max.poll.records=100 (repeatable)
                  --bootstrap-server H:P   broker to connect to (default localhost:9092)
                  --command-config FILE    consumer properties (Kafka names)

                Example:
                  sluice consume --topic orders --from-beginning --property print.key=true print.offset=true""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--from-beginning", "--no-commit")
                .value("--topic", "--partition", "--offset", "--max-messages", "--timeout-ms", "--group", "--isolation-level")
                .list("--property", "--consumer-property").format().alias("-f", "--format");
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String topic = args.required("--topic");
        if (args.has("--format") && args.has("--property")) {
            throw new UsageException("--format and --property cannot be combined: the format string says what to print");
        }
        RecordPrinter formatter = args.has("--format") ? RecordTemplate.parse(args.value("--format"))
                : new RecordFormatter(args.keyValues("--property"));
        long maxMessages = args.longValue("--max-messages", Long.MAX_VALUE);
        long timeoutMs = args.longValue("--timeout-ms", -1);
        String group = args.value("--group");
        String offset = args.value("--offset");
        Integer partition = args.has("--partition") ? args.intValue("--partition", 0) : null;
        boolean fromBeginning = args.has("--from-beginning");
        if (offset != null && partition == null) {
            throw new UsageException("--offset needs --partition");
        }
        if (offset != null && fromBeginning) {
            throw new UsageException("--offset and --from-beginning cannot be combined");
        }
        boolean readOnly = args.has("--no-commit");
        if (readOnly && group == null) {
            throw new UsageException("--no-commit goes with --group (without a group nothing is committed anyway)");
        }
        if (group != null && (partition != null || offset != null)) {
            throw new UsageException("--group cannot be combined with --partition or --offset");
        }
        if (offset != null && !offset.equals("earliest") && !offset.equals("latest")) {
            offsetValue(offset);
        }
        if (maxMessages <= 0) {
            throw new UsageException("--max-messages must be at least 1");
        }
        String isolation = args.value("--isolation-level");
        if (isolation != null && !isolation.equals("read_committed") && !isolation.equals("read_uncommitted")) {
            throw new UsageException("--isolation-level takes read_committed or read_uncommitted, not '" + isolation + "'");
        }

        settings.requireReachable();
        Map<String, String> consumerSettings = new LinkedHashMap<>();
        consumerSettings.put("client.id", "sluice-console-consumer");
        consumerSettings.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        if (group != null && !readOnly) {
            consumerSettings.put("group.id", group);
            consumerSettings.put("enable.auto.commit", "false"); // GroupProgress commits what was printed
        }
        if (isolation != null) {
            consumerSettings.put("isolation.level", isolation);
        }
        consumerSettings.putAll(args.keyValues("--consumer-property"));
        // the stop signal closes last: on Ctrl-C the JVM waits until the totals are printed and the clients closed
        try (StopSignal stop = StopSignal.install();
             SluiceAdmin admin = settings.helperAdmin();
             SluiceConsumer consumer = new SluiceConsumer(ConsumerConfig.from(settings.properties(consumerSettings)))) {
            TopicDescription description = TopicCheck.require(admin, topic);
            GroupProgress progress = null;
            if (readOnly) { // no group.id: the consumer cannot commit; it only starts where the group is
                List<TopicPartition> partitions = description.partitions().stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                startAtCommitted(consumer, admin.listGroupOffsets(group).join(), partitions, fromBeginning);
            } else if (group != null) {
                progress = new GroupProgress(group, io.err());
                progress.subscribe(consumer, topic);
            } else {
                List<TopicPartition> partitions = description.partitions().stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partition != null) {
                    if (partition < 0 || partition >= partitions.size()) {
                        throw new CommandFailure("topic '" + topic + "' has partitions 0.." + (partitions.size() - 1)
                                + ", not " + partition);
                    }
                    partitions = List.of(new TopicPartition(topic, partition));
                }
                consumer.assign(partitions);
                position(consumer, partitions, offset, fromBeginning);
            }
            long count = consume(consumer, formatter, progress, maxMessages, timeoutMs, stop, io);
            io.err().println("Processed a total of " + count + " messages");
        }
        return 0;
    }

    /** Kafka's rule: earliest, latest or an offset of 0 or more. */
    private static long offsetValue(String offset) throws UsageException {
        long at;
        try {
            at = Long.parseLong(offset.trim());
        } catch (NumberFormatException e) {
            at = -1;
        }
        if (at < 0) {
            throw new UsageException("--offset takes earliest, latest or an offset of 0 or more, not '" + offset + "'");
        }
        return at;
    }

    /** Each partition at the group's committed offset; one without an offset as --from-beginning says. */
    private static void startAtCommitted(SluiceConsumer consumer, Map<TopicPartition, Long> committed,
                                         List<TopicPartition> partitions, boolean fromBeginning) {
        List<TopicPartition> without = new java.util.ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long offset = committed.get(tp);
            if (offset == null) {
                without.add(tp);
            } else {
                consumer.seek(tp, offset);
            }
        }
        if (!without.isEmpty()) {
            if (fromBeginning) {
                consumer.seekToBeginning(without);
            } else {
                consumer.seekToEnd(without);
            }
        }
    }

    private static void position(SluiceConsumer consumer, List<TopicPartition> partitions, String offset,
                                 boolean fromBeginning) throws UsageException {
        if (offset != null) {
            switch (offset) {
                case "earliest" -> consumer.seekToBeginning(partitions);
                case "latest" -> consumer.seekToEnd(partitions);
                default -> consumer.seek(partitions.get(0), offsetValue(offset));
            }
            return;
        }
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
    }

    private static long consume(SluiceConsumer consumer, RecordPrinter formatter, GroupProgress progress,
                                long maxMessages, long timeoutMs, StopSignal stop, Io io) {
        long count = 0;
        long lastRecordMs = System.currentTimeMillis();
        boolean closed = false;
        while (!stop.stopping() && count < maxMessages && !closed) {
            boolean any = false;
            var records = consumer.poll(POLL);
            if (progress != null) { // all of the poll's partitions, also those past --max-messages
                for (ConsumerRecord record : records) {
                    progress.returned(new TopicPartition(record.topic(), record.partition()));
                }
            }
            for (ConsumerRecord record : records) {
                formatter.print(record, io.out());
                any = true;
                // checkError flushes: a closed pipe (`| head -2`) shows here; stop and commit nothing unwritten
                if (io.out().checkError()) {
                    io.err().println("Unable to write to standard out, closing consumer.");
                    closed = true;
                    break;
                }
                if (progress != null) {
                    progress.printed(new TopicPartition(record.topic(), record.partition()), record.offset());
                }
                if (++count >= maxMessages) {
                    break;
                }
            }
            if (closed) {
                break;
            }
            io.out().flush();
            long now = System.currentTimeMillis();
            if (any) {
                lastRecordMs = now;
            } else if (timeoutMs >= 0 && timedOut(now, lastRecordMs, timeoutMs, progress)) {
                break;
            }
            if (progress != null) {
                progress.maybeCommit();
            }
        }
        if (progress != null) {
            progress.commitAll();
        }
        return count;
    }

    /**
     * No record for {@code timeoutMs}. In a group the wait counts from the last assignment, and not
     * before the first one: joining takes the coordinator's initial rebalance delay (3 s by default).
     */
    private static boolean timedOut(long now, long lastRecordMs, long timeoutMs, GroupProgress progress) {
        if (progress == null) {
            return now - lastRecordMs >= timeoutMs;
        }
        long assignedAt = progress.assignedAtMs();
        return assignedAt > 0 && now - Math.max(lastRecordMs, assignedAt) >= timeoutMs;
    }
}

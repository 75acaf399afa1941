package dev.sluice.tools.perf;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRebalanceListener;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.ConsumerRecords;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.StopSignal;
import dev.sluice.tools.cli.TopicCheck;
import dev.sluice.tools.cli.UsageException;

import java.io.PrintStream;
import java.text.SimpleDateFormat;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sluice perf-consume}: kafka-consumer-perf-test with the same options and output
 * ("start.time, end.time, data.consumed.in.MB, MB.sec, ..." header and one result line).
 */
public final class PerfConsumeCommand extends ClientCommand {
    private static final double MB = 1024.0 * 1024.0;

    @Override
    public String name() {
        return "perf-consume";
    }

    @Override
    public String summary() {
        return "consumer benchmark (kafka-consumer-perf-test's options and output)";
    }

    @Override
    protected String usage() {
        return "usage: sluice perf-consume --topic T --messages N [--timeout MS] [--from-latest] [--fetch-size B]\n"
                + "                           [--consumer.config FILE] [--show-detailed-stats] [--reporting-interval MS]\n"
                + "                           [--date-format F] [--hide-header] [--print-metrics] [--group G]";
    }

    @Override
    public String help() {
        return usage() + """


                Reads N records as fast as possible from every partition of a topic, like
                kafka-consumer-perf-test, then prints its header and result line:
                  start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
                  rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
                Bytes are keys plus values; MB = 2^20 bytes. Progress goes to stderr every
                --reporting-interval (or, with --show-detailed-stats, to stdout in Kafka's format).

                Options:
                  --topic T                topic to read
                  --messages N             records to read
                  --timeout MS             give up when no record came for MS (default 10000)
                  --from-latest            start at the end of each partition (default: the beginning)
                  --fetch-size B           max.partition.fetch.bytes (default 1048576)
                  --consumer.config FILE   consumer properties file
                  --show-detailed-stats    a stats line per reporting interval
                  --reporting-interval MS  default 5000
                  --date-format F          java.text.SimpleDateFormat (default yyyy-MM-dd HH:mm:ss:SSS)
                  --hide-header            no header line
                  --print-metrics          print the consumed totals as metrics at the end
                  --group G                join group G (subscribe) and report the join time as
                                           rebalance.time.ms, as Kafka's tool does; without it the
                                           partitions are assigned directly (no group, 0 ms)
                  --bootstrap-server H:P   broker to connect to (default localhost:9092)
                  --command-config FILE    client properties (Kafka names)

                Example:
                  sluice perf-consume --topic perf --messages 1000000""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--from-latest", "--show-detailed-stats", "--hide-header", "--print-metrics")
                .value("--topic", "--messages", "--timeout", "--fetch-size", "--consumer.config", "--reporting-interval",
                        "--date-format", "--group", "--socket-buffer-size");
    }

    /** Time spent joining the group (from subscribe, or from each full revocation, to the next assignment), like Kafka's tool. */
    private static final class JoinTimer implements ConsumerRebalanceListener {
        private final Set<TopicPartition> owned = new HashSet<>();
        private long joinStartMs;
        private long totalMs;

        JoinTimer(long startMs) {
            this.joinStartMs = startMs;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            owned.removeAll(partitions);
            if (owned.isEmpty()) {
                joinStartMs = System.currentTimeMillis();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (owned.isEmpty()) {
                totalMs += System.currentTimeMillis() - joinStartMs;
            }
            owned.addAll(partitions);
        }

        long totalMs() {
            return totalMs;
        }
    }

    /** What one run measured. */
    private record Totals(long messages, long bytes) {
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String topic = args.required("--topic");
        long messages = args.longValue("--messages", -1);
        if (!args.has("--messages") || messages <= 0) {
            throw new UsageException("--messages must be given and greater than zero");
        }
        long timeoutMs = args.longValue("--timeout", 10_000);
        long reportingMs = args.longValue("--reporting-interval", 5_000);
        if (reportingMs <= 0) {
            throw new UsageException("--reporting-interval must be greater than zero");
        }
        SimpleDateFormat dateFormat;
        try {
            dateFormat = new SimpleDateFormat(args.value("--date-format", "yyyy-MM-dd HH:mm:ss:SSS"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--date-format: " + e.getMessage());
        }
        Map<String, String> consumerSettings = new LinkedHashMap<>();
        if (args.has("--consumer.config")) {
            ClientSettings.load(args.value("--consumer.config"), "--consumer.config")
                    .forEach((k, v) -> consumerSettings.put(String.valueOf(k), String.valueOf(v)));
        }
        consumerSettings.putIfAbsent("client.id", "perf-consumer-client");
        if (args.has("--group")) {
            consumerSettings.put("group.id", args.value("--group"));
        }
        consumerSettings.put("max.partition.fetch.bytes", String.valueOf(args.intValue("--fetch-size", 1024 * 1024)));
        consumerSettings.put("auto.offset.reset", args.has("--from-latest") ? "latest" : "earliest");
        boolean detailed = args.has("--show-detailed-stats");

        settings.requireReachable();
        List<TopicPartition> partitions;
        try (SluiceAdmin admin = settings.helperAdmin()) {
            partitions = TopicCheck.require(admin, topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
        }
        if (!args.has("--hide-header")) {
            io.out().println((detailed ? "time, threadId" : "start.time, end.time")
                    + ", data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec"
                    + ", rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec");
        }
        // the stop signal closes last: on Ctrl-C the JVM waits until the result line is printed
        try (StopSignal stop = StopSignal.install();
             SluiceConsumer consumer = new SluiceConsumer(ConsumerConfig.from(settings.properties(consumerSettings)))) {
            long startMs = System.currentTimeMillis();
            JoinTimer join = new JoinTimer(startMs);
            if (args.has("--group")) {
                consumer.subscribe(List.of(topic), join); // auto.offset.reset picks the start of a new group
            } else {
                consumer.assign(partitions);
                if (args.has("--from-latest")) {
                    consumer.seekToEnd(partitions);
                } else {
                    consumer.seekToBeginning(partitions);
                }
            }
            Totals totals = consume(consumer, messages, timeoutMs, reportingMs, detailed, dateFormat, stop, io);
            long endMs = System.currentTimeMillis();
            printResult(args, consumerSettings, startMs, endMs, join.totalMs(), totals, detailed, dateFormat, io);
        }
        return 0;
    }

    private static void printResult(Args args, Map<String, String> consumerSettings, long startMs, long endMs, long rebalanceMs,
                                    Totals totals, boolean detailed, SimpleDateFormat dateFormat, Io io) {
        double elapsedSec = (endMs - startMs) / 1000.0;
        long fetchMs = (endMs - startMs) - rebalanceMs;
        double mb = totals.bytes() / MB;
        if (!detailed) {
            io.out().printf("%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f%n", dateFormat.format(startMs),
                    dateFormat.format(endMs), mb, mb / elapsedSec, totals.messages(), totals.messages() / elapsedSec,
                    rebalanceMs, fetchMs, mb / (fetchMs / 1000.0), totals.messages() / (fetchMs / 1000.0));
        }
        if (args.has("--print-metrics")) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            String tag = ":{client-id=" + consumerSettings.get("client.id") + "}";
            metrics.put("consumer-fetch-manager-metrics:records-consumed-total" + tag, (double) totals.messages());
            metrics.put("consumer-fetch-manager-metrics:bytes-consumed-total" + tag, (double) totals.bytes());
            MetricsTable.print(metrics, io.out());
        }
    }

    private static Totals consume(SluiceConsumer consumer, long wanted, long timeoutMs, long reportingMs, boolean detailed,
                                  SimpleDateFormat dateFormat, StopSignal stop, Io io) {
        long messages = 0;
        long bytes = 0;
        long lastMessages = 0;
        long lastBytes = 0;
        long now = System.currentTimeMillis();
        long lastReportMs = now;
        long lastConsumedMs = now;
        while (messages < wanted && now - lastConsumedMs <= timeoutMs && !stop.stopping()) {
            ConsumerRecords records = consumer.poll(Duration.ofMillis(100));
            now = System.currentTimeMillis();
            if (!records.isEmpty()) {
                lastConsumedMs = now;
            }
            for (ConsumerRecord r : records) { // whole polls count, as in Kafka's tool
                messages++;
                bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
            }
            if (now - lastReportMs >= reportingMs) {
                report(detailed, messages, bytes, lastMessages, lastBytes, lastReportMs, now, dateFormat, io);
                lastReportMs = now;
                lastMessages = messages;
                lastBytes = bytes;
            }
        }
        if (messages < wanted) {
            io.out().printf("WARNING: Exiting before consuming the expected number of messages: timeout (%d ms) exceeded. "
                    + "You can use the --timeout option to increase the timeout.%n", timeoutMs);
        }
        return new Totals(messages, bytes);
    }

    private static void report(boolean detailed, long messages, long bytes, long lastMessages, long lastBytes,
                               long fromMs, long toMs, SimpleDateFormat dateFormat, Io io) {
        double elapsedMs = Math.max(1, toMs - fromMs);
        double intervalMb = (bytes - lastBytes) / MB;
        double mbPerSec = 1000.0 * intervalMb / elapsedMs;
        double msgPerSec = 1000.0 * (messages - lastMessages) / elapsedMs;
        if (detailed) { // Kafka's detailed line: time, threadId, totals, interval rates, join ms, fetch ms, fetch rates
            PrintStream out = io.out();
            out.printf("%s, %d, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f%n", dateFormat.format(toMs), 0, bytes / MB,
                    mbPerSec, messages, msgPerSec, 0, (long) elapsedMs, mbPerSec, msgPerSec);
        } else {
            io.err().printf("perf-consume: %d messages (%.1f MB) so far, %.0f msg/sec (%.2f MB/sec)%n",
                    messages, bytes / MB, msgPerSec, mbPerSec);
        }
    }
}

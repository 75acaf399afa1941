package dev.sluice.tools.perf;

import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerMetrics;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.StopSignal;
import dev.sluice.tools.cli.TopicCheck;
import dev.sluice.tools.cli.UsageException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code sluice perf-produce}: kafka-producer-perf-test with the same options and output lines,
 * so numbers can be compared side by side with Kafka's.
 */
public final class PerfProduceCommand extends ClientCommand {

    @Override
    public String name() {
        return "perf-produce";
    }

    @Override
    public String summary() {
        return "producer benchmark (kafka-producer-perf-test's options and output)";
    }

    @Override
    protected String usage() {
        return "usage: sluice perf-produce --topic T --num-records N --record-size S --throughput R\n"
                + "                           [--producer-props k=v ...] [--producer.config FILE] [--print-metrics]";
    }

    @Override
    public String help() {
        return usage() + """


                Sends N records of S random bytes (uppercase letters) as fast as allowed, like
                kafka-producer-perf-test. Every 5 s it prints
                  N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency.
                and at the end the total with the 50th, 95th, 99th and 99.9th latency percentiles.
                Latency is from send to the broker's acknowledgement. MB = 2^20 bytes.

                Options:
                  --topic T                 topic to write to
                  --num-records N           records to send
                  --record-size S           bytes per record value
                  --throughput R            at most about R records/sec; -1 for no limit
                  --producer-props k=v ...  producer settings, e.g. acks=1 linger.ms=5 batch.size=65536
                                            compression.type=lz4 (bootstrap.servers too)
                  --producer.config FILE    producer properties file (--producer-props win over it)
                  --print-metrics           print the producer's counters at the end
                  --bootstrap-server H:P    broker to connect to (default localhost:9092)
                  --command-config FILE     client properties (Kafka names)

                Example:
                  sluice perf-produce --topic perf --num-records 1000000 --record-size 100 --throughput -1 \\
                      --producer-props acks=1 linger.ms=5""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--print-metrics")
                .value("--topic", "--num-records", "--record-size", "--throughput", "--producer.config")
                .list("--producer-props");
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String topic = args.required("--topic");
        long numRecords = args.longValue("--num-records", -1);
        int recordSize = args.intValue("--record-size", -1);
        double throughput = args.doubleValue("--throughput", Double.NaN);
        if (!args.has("--num-records") || numRecords <= 0) {
            throw new UsageException("--num-records must be given and greater than zero");
        }
        if (!args.has("--record-size") || recordSize <= 0) {
            throw new UsageException("--record-size must be given and greater than zero");
        }
        if (Double.isNaN(throughput)) {
            throw new UsageException("missing --throughput (records/sec, -1 for no limit)");
        }
        Map<String, String> producerSettings = new LinkedHashMap<>();
        producerSettings.put("client.id", "perf-producer-client");
        if (args.has("--producer.config")) {
            ClientSettings.load(args.value("--producer.config"), "--producer.config")
                    .forEach((k, v) -> producerSettings.put(String.valueOf(k), String.valueOf(v)));
        }
        producerSettings.putAll(args.keyValues("--producer-props"));
        String bootstrap = producerSettings.remove("bootstrap.servers");
        if (bootstrap != null && !args.has("--bootstrap-server")) {
            settings = settings.withBootstrap(bootstrap); // Kafka's way to say where: --producer-props bootstrap.servers=...
        }

        settings.requireReachable();
        try (SluiceAdmin admin = settings.helperAdmin()) {
            TopicCheck.requireOrAutoCreated(admin, topic, io.err());
        }
        Properties properties = settings.properties(producerSettings);
        // the stop signal closes last: on Ctrl-C the JVM waits until the total is printed
        try (StopSignal stop = StopSignal.install(); SluiceProducer producer = new SluiceProducer(ProducerConfig.from(properties))) {
            return run(producer, topic, numRecords, recordSize, throughput, args.has("--print-metrics"),
                    properties.getProperty("client.id"), stop, io, settings);
        }
    }

    private static int run(SluiceProducer producer, String topic, long numRecords, int recordSize, double throughput,
                           boolean printMetrics, String clientId, StopSignal stop, Io io, ClientSettings settings) {
        byte[] payload = new byte[recordSize];
        SplittableRandom random = new SplittableRandom(0);
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long startMs = System.currentTimeMillis();
        ProducerStats stats = new ProducerStats(io.out(), startMs);
        ThroughputThrottler throttler = new ThroughputThrottler(throughput, startMs);
        try {
            for (long i = 0; i < numRecords && !stop.stopping(); i++) {
                for (int j = 0; j < payload.length; j++) {
                    payload[j] = (byte) (random.nextInt(26) + 'A');
                }
                long sendStartMs = System.currentTimeMillis();
                // the producer copies the value into its batch during send, so the array is reused
                producer.send(new ProducerRecord(topic, null, null, null, payload, List.of()), (md, error) -> {
                    long now = System.currentTimeMillis();
                    if (error == null) {
                        stats.record((int) (now - sendStartMs), recordSize, now);
                    } else if (failures.incrementAndGet() == 1) {
                        firstFailure.set(error);
                    }
                });
                if (throttler.shouldThrottle(i, sendStartMs)) {
                    throttler.throttle();
                }
            }
            producer.flush();
            stats.printTotal(System.currentTimeMillis());
            if (printMetrics) {
                ProducerMetrics m = producer.metrics();
                Map<String, Double> metrics = new LinkedHashMap<>();
                String tag = ":{client-id=" + clientId + "}";
                metrics.put("producer-metrics:batch-send-total" + tag, (double) m.batchesSent());
                metrics.put("producer-metrics:batch-retry-total" + tag, (double) m.batchesRetried());
                metrics.put("producer-metrics:batch-error-total" + tag, (double) m.batchesFailed());
                metrics.put("producer-metrics:record-send-total" + tag, (double) stats.count());
                metrics.put("producer-metrics:record-size-avg" + tag, (double) recordSize);
                MetricsTable.print(metrics, io.out());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failures.get() > 0) {
            throw new CommandFailure(failures.get() + " records failed, the first with: " + explain(firstFailure.get(), settings));
        }
        return 0;
    }
}

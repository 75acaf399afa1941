package dev.sluice.bench.metrics;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the broker's metrics cost on the produce path (issue #16): a broker in this JVM with
 * {@code metrics.enable} true or false, and producers sending one record at a time and waiting
 * for its acknowledgement, so every operation is one Produce request through the network layer,
 * the handler, the replica manager and the log: the request metrics (six latency histograms, the
 * per-version request meter, the error-code walk of the response) and the topic meters are all on
 * it. Compare the two scores' ratio with their error bars: run with {@code bench/metrics-bench.sh}.
 *
 * <p>Threads: JMH's; the broker's own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 6, time = 3)
@Threads(4)
public class ProduceMetricsBenchmark {

    @Param({"true", "false"})
    public boolean metrics;

    private Path dir;
    private Broker broker;
    private SluiceProducer producer;
    private final byte[] value = new byte[100];

    @Setup(Level.Trial)
    public void start() throws IOException {
        dir = Files.createTempDirectory("sluice-metrics-bench");
        broker = Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.resolve("data").toString(), "metrics.enable", Boolean.toString(metrics),
                "num.partitions", "4")));
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("acks", "1");
        p.put("linger.ms", "0");
        // on the class path (JMH's fork) the client's partitioners are not found as module services
        p.put("partitioner.class", "dev.sluice.client.producer.partition.DefaultPartitioner");
        producer = new SluiceProducer(p);
        producer.send(ProducerRecord.of("bench", value)).join(); // creates the topic
    }

    @Benchmark
    public long produceOneRecord() {
        return producer.send(ProducerRecord.of("bench", value)).join().offset();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        producer.close();
        broker.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}

package dev.sluice.examples.streams;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.streams.SluiceStreams;
import dev.sluice.streams.Topology;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What every example does around its topology: create its topics, start the application, feed demo
 * input, print what comes out until Ctrl-C. Arguments: {@code --bootstrap host:port} (localhost:9092),
 * {@code --demo N} (20 demo records; 0 for none). Output goes to stdout (this is a command-line tool).
 */
final class ExampleRunner {
    final String bootstrap;
    final int demo;

    ExampleRunner(String[] args) {
        String b = "localhost:9092";
        int d = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bootstrap" -> b = args[i + 1];
                case "--demo" -> d = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--bootstrap, --demo)");
            }
        }
        this.bootstrap = b;
        this.demo = d;
    }

    /** Creates the topics that do not exist yet. */
    void topics(NewTopic... topics) {
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(bootstrap))) {
            Set<String> existing = admin.listTopics().join();
            List<NewTopic> missing = new ArrayList<>();
            for (NewTopic t : topics) {
                if (!existing.contains(t.name())) {
                    missing.add(t);
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).join();
            }
        }
    }

    /** Sends demo input with a producer the caller fills. */
    void feed(Consumer<SluiceProducer> sends) {
        if (demo <= 0) {
            return;
        }
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(bootstrap).build())) {
            sends.accept(producer);
            producer.flush();
        }
    }

    /** Starts the application, prints each output record with {@code show} until Ctrl-C. */
    void run(String applicationId, Topology topology, String outputTopic, Function<ConsumerRecord, String> show)
            throws Exception {
        System.out.println(topology.describe());
        Properties props = new Properties();
        props.put("application.id", applicationId);
        props.put("bootstrap.servers", bootstrap);
        props.put("processing.guarantee", "exactly_once_v2");
        props.put("state.dir", Files.createTempDirectory("sluice-streams-example").toString());
        CountDownLatch stop = new CountDownLatch(1);
        try (SluiceStreams streams = new SluiceStreams(topology, props);
             SluiceConsumer out = new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(bootstrap)
                     .isolationLevel("read_committed").build())) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            streams.start();
            int partitions;
            try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(bootstrap))) {
                partitions = admin.describeTopics(List.of(outputTopic)).join().get(outputTopic).partitions().size();
            }
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(outputTopic, p));
            }
            out.assign(tps);
            out.seekToEnd(tps);
            out.position(tps.get(0));
            System.out.println("running " + applicationId + "; results from " + outputTopic + " (Ctrl-C to stop):");
            while (stop.getCount() > 0 && streams.state() != SluiceStreams.State.ERROR) {
                for (ConsumerRecord r : out.poll(Duration.ofMillis(200))) {
                    System.out.println("  " + show.apply(r));
                }
            }
            streams.failure().ifPresent(t -> System.out.println("failed: " + t));
        }
    }
}

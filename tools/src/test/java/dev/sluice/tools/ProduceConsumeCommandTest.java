package dev.sluice.tools;

import dev.sluice.api.record.Header;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code produce} checked with kafka-clients reading the topic; {@code consume} checked on its exact output. */
class ProduceConsumeCommandTest extends BrokerTestBase {

    @Test
    void producesOneRecordPerLineWithKeysHeadersAndCompression() {
        admin.createTopics(List.of(new NewTopic("orders", 1))).join();
        Result r = sluiceWithInput("k1:hello\nk2:wor:ld\n:empty key\n",
                "produce", "--topic", "orders", "--property", "parse.key=true", "key.separator=:",
                "--headers", "src=cli,env=test", "--compression", "lz4", "--acks", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEqualTo("Sent 3 records to topic orders.\n");

        List<ConsumerRecord<byte[], byte[]>> records = readWithKafkaClients("orders", 3);
        assertThat(records).extracting(rec -> text(rec.key())).containsExactly("k1", "k2", "");
        assertThat(records).extracting(rec -> text(rec.value())).containsExactly("hello", "wor:ld", "empty key");
        assertThat(records.get(0).headers().toArray()).extracting(h -> h.key() + "=" + text(h.value()))
                .containsExactly("src=cli", "env=test");
    }

    @Test
    void parsesHeadersAndNullMarkerPerLineAndNamesBadLines() {
        admin.createTopics(List.of(new NewTopic("orders", 1))).join();
        Result r = sluiceWithInput("a:1,b:2\tk\tv\n\tNULL\tNULL\n", "produce", "--topic", "orders",
                "--property", "parse.headers=true", "parse.key=true", "null.marker=NULL");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> records = readWithKafkaClients("orders", 2);
        assertThat(records.get(0).headers().toArray()).extracting(h -> h.key() + "=" + text(h.value())).containsExactly("a=1", "b=2");
        assertThat(text(records.get(0).key())).isEqualTo("k");
        assertThat(records.get(1).key()).isNull();
        assertThat(records.get(1).value()).isNull();

        Result bad = sluiceWithInput("fine:1\nno separator\n", "produce", "--topic", "orders",
                "--property", "parse.key=true", "key.separator=:");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("line 2: no key separator ':' in 'no separator'").contains("ignore.error=true");

        Result unknown = sluiceWithInput("", "produce", "--topic", "orders", "--property", "parse.keys=true");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown --property parse.keys");
    }

    @Test
    void printsTheFieldsKafkasFormatterPrints() {
        admin.createTopics(List.of(new NewTopic("orders", 2))).join();
        send(new ProducerRecord("orders", 0, 1_000L, bytes("k0"), bytes("v0"), List.of(new Header("h", bytes("x")))));
        send(new ProducerRecord("orders", 0, 1_001L, null, bytes("v1"), List.of()));
        send(new ProducerRecord("orders", 1, 1_002L, bytes("k2"), bytes("v2"), List.of()));

        Result all = sluice("consume", "--topic", "orders", "--partition", "0", "--from-beginning", "--max-messages", "2",
                "--property", "print.key=true", "print.timestamp=true", "print.partition=true", "print.offset=true",
                "print.headers=true", "key.separator=|");
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.lines()).containsExactly(
                "CreateTime:1000|Partition:0|Offset:0|h:x|k0|v0",
                "CreateTime:1001|Partition:0|Offset:1|NO_HEADERS|null|v1");
        assertThat(all.err()).isEqualTo("Processed a total of 2 messages\n");

        Result everyPartition = sluice("consume", "--topic", "orders", "--from-beginning", "--max-messages", "3");
        assertThat(everyPartition.lines()).containsExactlyInAnyOrder("v0", "v1", "v2");

        Result fromOffset = sluice("consume", "--topic", "orders", "--partition", "0", "--offset", "1", "--max-messages", "1");
        assertThat(fromOffset.lines()).containsExactly("v1");

        Result onlyNew = sluice("consume", "--topic", "orders", "--timeout-ms", "300");
        assertThat(onlyNew.exitCode()).isZero();
        assertThat(onlyNew.out()).isEmpty();
        assertThat(onlyNew.err()).isEqualTo("Processed a total of 0 messages\n");

        Result missing = sluice("consume", "--topic", "nope", "--timeout-ms", "300");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("topic 'nope' does not exist");

        Result badOffset = sluice("consume", "--topic", "orders", "--offset", "3");
        assertThat(badOffset.exitCode()).isEqualTo(2);
        assertThat(badOffset.err()).contains("--offset needs --partition");
    }

    @Test
    void stopsAtAClosedStandardOutAndCommitsOnlyWhatWasWritten() {
        admin.createTopics(List.of(new NewTopic("piped", 1))).join();
        for (int i = 0; i < 5; i++) {
            send(new ProducerRecord("piped", 0, null, null, bytes("r" + i), List.of()));
        }
        // like `| head -2`: the reader goes away after two lines and every later write fails
        java.io.OutputStream head = new java.io.OutputStream() {
            private int lines;
            @Override
            public void write(int b) throws java.io.IOException {
                if (lines >= 2) {
                    throw new java.io.IOException("Broken pipe");
                }
                if (b == '\n') {
                    lines++;
                }
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Sluice.run(new String[] {"consume", "--topic", "piped", "--group", "piped-g", "--from-beginning",
                        "--timeout-ms", "5000", "--bootstrap-server", bootstrap},
                new ByteArrayInputStream(new byte[0]), new PrintStream(head, false, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unable to write to standard out");
        assertThat(admin.listGroupOffsets("piped-g").join()).isEqualTo(Map.of(new TopicPartition("piped", 0), 2L));
    }

    @Test
    void groupCommitsThePositionOfPartitionsThatHadNoRecords() {
        admin.createTopics(List.of(new NewTopic("sparse", 2))).join();
        send(new ProducerRecord("sparse", 0, null, null, bytes("only-p0"), List.of()));
        Result first = sluice("consume", "--topic", "sparse", "--group", "sparse-g", "--timeout-ms", "500");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(admin.listGroupOffsets("sparse-g").join())
                .isEqualTo(Map.of(new TopicPartition("sparse", 0), 1L, new TopicPartition("sparse", 1), 0L));

        send(new ProducerRecord("sparse", 1, null, null, bytes("later-p1"), List.of()));
        Result second = sluice("consume", "--topic", "sparse", "--group", "sparse-g", "--timeout-ms", "500");
        assertThat(second.lines()).containsExactly("later-p1"); // not skipped by a reset to latest
    }

    @Test
    void groupStartsAtItsCommittedOffsetsAndCommitsWhatItPrinted() {
        admin.createTopics(List.of(new NewTopic("orders", 2))).join();
        for (int i = 0; i < 4; i++) {
            send(new ProducerRecord("orders", i % 2, null, null, bytes("first-" + i), List.of()));
        }
        Result first = sluice("consume", "--topic", "orders", "--group", "billing", "--from-beginning", "--timeout-ms", "500");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.lines()).hasSize(4);
        assertThat(admin.listGroupOffsets("billing").join())
                .isEqualTo(Map.of(new TopicPartition("orders", 0), 2L, new TopicPartition("orders", 1), 2L));

        send(new ProducerRecord("orders", 1, null, null, bytes("second"), List.of()));
        Result second = sluice("consume", "--topic", "orders", "--group", "billing", "--from-beginning", "--timeout-ms", "500");
        assertThat(second.lines()).containsExactly("second");
        assertThat(admin.listGroupOffsets("billing").join()).containsEntry(new TopicPartition("orders", 1), 3L);

        Result partial = sluice("consume", "--topic", "orders", "--group", "other", "--from-beginning", "--max-messages", "1");
        assertThat(partial.lines()).hasSize(1);
        assertThat(admin.listGroupOffsets("other").join().values()).containsExactly(1L); // only what it printed
    }

    @Test
    void consoleConsumerJoinsTheGroupAndLeavesItOnExit() throws Exception {
        admin.createTopics(List.of(new NewTopic("orders", 2))).join();
        for (int i = 0; i < 4; i++) {
            send(new ProducerRecord("orders", i % 2, null, null, bytes("r" + i), List.of()));
        }
        CompletableFuture<Result> running = CompletableFuture.supplyAsync(() -> sluice("consume", "--topic", "orders",
                "--group", "live", "--from-beginning", "--max-messages", "6", "--timeout-ms", "20000"));

        Result described = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            described = sluice("groups", "--describe", "--group", "live");
            if (described.out().contains("Stable with 1 member")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(described.out()).contains("Stable with 1 member").containsPattern("live +orders +0 .* sluice-console-consumer");
        send(new ProducerRecord("orders", 0, null, null, bytes("r4"), List.of()));
        send(new ProducerRecord("orders", 1, null, null, bytes("r5"), List.of()));

        Result done = running.get(30, TimeUnit.SECONDS);
        assertThat(done.exitCode()).as(done.err()).isZero();
        assertThat(done.lines()).containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4", "r5");
        assertThat(admin.listGroupOffsets("live").join())
                .isEqualTo(Map.of(new TopicPartition("orders", 0), 3L, new TopicPartition("orders", 1), 3L));
        assertThat(admin.describeGroups(List.of("live")).join().get("live").state()).isEqualTo("Empty");
    }

    private void send(ProducerRecord record) {
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(bootstrap).build())) {
            producer.send(record).join();
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readWithKafkaClients(String topic, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}

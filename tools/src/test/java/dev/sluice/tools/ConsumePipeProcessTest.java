package dev.sluice.tools;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice consume … | head -2} in a real shell pipeline (#18): once head has gone, the
 * consumer's next write fails and it stops at once, as Kafka's console consumer does, instead of
 * reading on into a closed pipe forever; with {@code --group} it commits only what it wrote.
 */
class ConsumePipeProcessTest extends BrokerTestBase {
    /** Far more output than a pipe buffers (64 KiB), so writes go on after head has exited. */
    private static final int RECORDS = 20_000;

    @Test
    void consumePipedIntoHeadExits() throws Exception {
        admin.createTopics(List.of(new NewTopic("piped", 1))).join();
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(bootstrap).build())) {
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord("piped", 0, null, null,
                        String.format("record %05d of the piped topic", i).getBytes(StandardCharsets.UTF_8), List.of())));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }

        Path stderr = dir.resolve("consume.err");
        // no --timeout-ms and no --max-messages: only the closed pipe can end it
        String consume = String.join(" ", ChildJvm.javaCommand(), "-Xmx256m", "-cp", "'" + ChildJvm.classPath() + "'",
                Sluice.class.getName(), "consume", "--topic", "piped", "--group", "piped-g", "--from-beginning",
                "--bootstrap-server", bootstrap);
        Process pipeline = new ProcessBuilder("bash", "-c", "set -o pipefail; " + consume + " 2>'" + stderr + "' | head -2")
                .redirectErrorStream(true).start();
        try {
            assertThat(pipeline.waitFor(60, TimeUnit.SECONDS)).as("the pipeline ended").isTrue();
            String out = new String(pipeline.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).isEqualTo("record 00000 of the piped topic\nrecord 00001 of the piped topic\n");
            assertThat(pipeline.exitValue()).as(Files.readString(stderr)).isZero();
            assertThat(Files.readString(stderr)).contains("Unable to write to standard out, closing consumer.");
        } finally {
            pipeline.descendants().forEach(ProcessHandle::destroyForcibly);
            pipeline.destroyForcibly();
        }
        // what reached the pipe before it closed is committed, not what was read after
        long committed = admin.listGroupOffsets("piped-g").join().get(new TopicPartition("piped", 0));
        assertThat(committed).isBetween(2L, RECORDS - 1L);
    }
}

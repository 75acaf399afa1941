package dev.sluice.example.plugin;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.config.ConfigException;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.RecordMetadata;
import dev.sluice.client.producer.SluiceProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plugin at work end to end, chosen by configuration alone: an in-process broker and Sluice's
 * producer and consumer find {@code first-byte} and {@code example-rle} through ServiceLoader,
 * because this module is on the module path next to them. Nothing here names the plugin's classes.
 *
 * <p>The path of a record: the producer's partitioner picks {@code firstKeyByte % 4}, the producer
 * compresses the batch with codec id 7, the broker accepts id 7 only because it too finds the
 * codec installed, stores the batch as received, and the consumer decompresses it with the plugin.
 */
class PluginEndToEndTest {
    private static final String TOPIC = "by-first-byte";
    private static final int PARTITIONS = 4;
    /** First bytes a..h put three keys in each partition: 'a' (97) % 4 = 1, 'b' % 4 = 2, 'c' 3, 'd' 0, ... */
    private static final List<String> KEYS = List.of("apple", "avocado", "banana", "blueberry", "cherry", "date",
            "damson", "elderberry", "fig", "grape", "guava", "huckleberry");

    @TempDir
    Path dir;

    @Test
    void brokerAndClientsUseThePluginFromTheirConfigurationAlone() throws Exception {
        try (Broker broker = startBroker()) {
            createTopic(broker.bootstrapServers());

            Map<String, RecordMetadata> sent = produce(broker.bootstrapServers());

            for (String key : KEYS) {
                assertThat(sent.get(key).partition()).as("partition of %s", key).isEqualTo(firstBytePartition(key));
            }
            assertThat(sent.values()).extracting(RecordMetadata::partition).containsOnly(0, 1, 2, 3);

            // what the broker stored: the batches as the producer compressed them, codec id 7
            for (int p = 0; p < PARTITIONS; p++) {
                List<RecordBatch> batches = storedBatches(broker, p);
                assertThat(batches).as("batches of partition %d", p).isNotEmpty()
                        .allSatisfy(batch -> assertThat(batch.compressionId()).isEqualTo(ExampleRleCodec.ID));
                List<String> storedKeys = new ArrayList<>();
                for (RecordBatch batch : batches) {
                    for (Record record : RecordBatches.records(batch, CompressionCodecs.installed())) {
                        storedKeys.add(new String(record.keyBytes(), StandardCharsets.UTF_8));
                    }
                }
                int partition = p;
                assertThat(storedKeys).as("keys stored in partition %d", p)
                        .containsExactlyElementsOf(KEYS.stream().filter(k -> firstBytePartition(k) == partition).toList());
            }

            // and a consumer reads every record back, decompressing with the plugin's codec
            List<ConsumerRecord> consumed = consumeAll(broker.bootstrapServers(), KEYS.size());
            assertThat(consumed).hasSize(KEYS.size()).allSatisfy(record -> {
                String key = new String(record.key(), StandardCharsets.UTF_8);
                assertThat(record.partition()).isEqualTo(firstBytePartition(key));
                assertThat(record.offset()).isEqualTo(sent.get(key).offset());
                assertThat(record.value()).isEqualTo(valueOf(key));
            });
        }
    }

    @Test
    void anUnknownCodecNameFailsListingTheInstalledOnesThePluginAmongThem() {
        // a broker without the plugin cannot be arranged in this JVM (it is on the boot module
        // path), so the negative shown here is the producer refusing a codec nobody installed
        Properties props = producerProperties("127.0.0.1:9"); // never contacted: the config fails first
        props.setProperty("compression.type", "lzma");

        assertThatThrownBy(() -> new SluiceProducer(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("compression.type=lzma: no compression codec named 'lzma' is installed")
                .hasMessageContainingAll("example-rle=7", "gzip=1", "snappy=2", "lz4=3", "zstd=4");
    }

    private Broker startBroker() throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0"); // a free port, chosen by the OS
        settings.put("log.dirs", dir.resolve("data").toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.put("auto.create.topics.enable", "false");
        return Broker.start(BrokerConfig.of(settings));
    }

    private static void createTopic(String bootstrap) throws Exception {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        try (SluiceAdmin admin = new SluiceAdmin(props)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS))).get(30, TimeUnit.SECONDS);
        }
    }

    /** The only place the plugin is chosen: two properties, as in a producer.properties file. */
    private static Properties producerProperties(String bootstrap) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        props.setProperty("partitioner", "first-byte");
        props.setProperty("compression.type", "example-rle");
        props.setProperty("linger.ms", "50"); // records of a partition share a batch, so batches hold several
        return props;
    }

    private static Map<String, RecordMetadata> produce(String bootstrap) throws Exception {
        try (SluiceProducer producer = new SluiceProducer(producerProperties(bootstrap))) {
            assertThat(producer.partitionerName()).isEqualTo("first-byte");
            Map<String, CompletableFuture<RecordMetadata>> futures = new HashMap<>();
            for (String key : KEYS) {
                futures.put(key, producer.send(ProducerRecord.of(TOPIC, key.getBytes(StandardCharsets.UTF_8), valueOf(key))));
            }
            Map<String, RecordMetadata> sent = new HashMap<>();
            for (Map.Entry<String, CompletableFuture<RecordMetadata>> e : futures.entrySet()) {
                sent.put(e.getKey(), e.getValue().get(30, TimeUnit.SECONDS));
            }
            return sent;
        }
    }

    /** Reads the partition's log on the broker directly: the raw batches, as stored. */
    private static List<RecordBatch> storedBatches(Broker broker, int partition) throws IOException {
        LogStorage log = broker.partitions().partition(TOPIC, partition).orElseThrow().log();
        ByteBuffer bytes = log.read(log.logStartOffset(), log.logEndOffset(), Integer.MAX_VALUE, true).toBuffer();
        List<RecordBatch> batches = new ArrayList<>();
        for (int at = bytes.position(); at < bytes.limit(); ) {
            RecordBatch batch = new RecordBatch(bytes, at);
            batches.add(batch);
            at += batch.sizeInBytes();
        }
        return batches;
    }

    private static List<ConsumerRecord> consumeAll(String bootstrap, int expected) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap); // no codec setting: a consumer decodes any installed id
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
        List<ConsumerRecord> consumed = new ArrayList<>();
        try (SluiceConsumer consumer = new SluiceConsumer(props)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumed.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(consumed::add);
            }
        }
        return consumed;
    }

    /** The plugin's rule, written out here so the test does not just call the code under test. */
    private static int firstBytePartition(String key) {
        return (key.getBytes(StandardCharsets.UTF_8)[0] & 0xff) % PARTITIONS;
    }

    /** Long runs, so run-length encoding really shrinks the batch. */
    private static byte[] valueOf(String key) {
        return ("=".repeat(300) + key + "!".repeat(100)).getBytes(StandardCharsets.UTF_8);
    }
}

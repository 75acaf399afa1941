package dev.sluice.broker.it;

import dev.sluice.broker.metrics.Meter;
import dev.sluice.broker.metrics.MetricName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker's metrics as traffic flows (issue #16): kafka-clients produce N records and
 * MessagesInPerSec grows by N and BytesInPerSec by the batches' bytes (= the new log's size); a
 * consumer reading them back moves BytesOutPerSec by as much; a refused request counts its error
 * code; a committed offset shows as group lag. Read three ways: the registry, the Prometheus
 * endpoint (parsed strictly) and the platform MBean server under Kafka's names and attributes.
 */
class BrokerMetricsTest {
    private static final String TOPIC = "metered";
    private static final int N = 500;

    @TempDir
    Path dir;
    TestBroker broker;
    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("metrics.port", "0", "metrics.host", "127.0.0.1",
                "auto.create.topics.enable", "false"));
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private PrometheusTextParser.Exposition scrape() throws Exception {
        HttpURLConnection http = get(broker.broker().metrics().httpPort(), "/metrics");
        try (InputStream in = http.getInputStream()) {
            assertThat(http.getResponseCode()).isEqualTo(200);
            assertThat(http.getContentType()).startsWith("text/plain; version=0.0.4");
            return PrometheusTextParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            http.disconnect();
        }
    }

    private static HttpURLConnection get(int port, String path) throws IOException {
        HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        http.setConnectTimeout(5_000);
        http.setReadTimeout(10_000);
        return http;
    }

    private Meter meter(String name, String... topicTag) {
        return (Meter) broker.broker().metrics().registry().get(MetricName.of("kafka.server", "BrokerTopicMetrics", name, topicTag));
    }

    private Object jmx(String name, String attribute) throws Exception {
        return mbeans.getAttribute(new ObjectName(name), attribute);
    }

    @Test
    void trafficMovesTheMetricsOnTheEndpointAndOverJmx() throws Exception {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (Admin admin = KafkaClients.admin(broker.bootstrap());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(),
                     Map.of(ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.ACKS_CONFIG, "all"));
             KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(),
                     Map.of(ConsumerConfig.GROUP_ID_CONFIG, "lagging"))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            long messagesBefore = meter("MessagesInPerSec").count();
            long bytesBefore = meter("BytesInPerSec").count();

            for (int i = 0; i < N; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, ("value-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            long logSize = broker.broker().partitions().partition(TOPIC, 0).orElseThrow().log().sizeInBytes();
            assertThat(meter("MessagesInPerSec", "topic", TOPIC).count()).isEqualTo(N);
            assertThat(meter("MessagesInPerSec").count() - messagesBefore).isEqualTo(N);
            assertThat(meter("BytesInPerSec", "topic", TOPIC).count()).as("the batches as appended").isEqualTo(logSize);
            assertThat(meter("BytesInPerSec").count() - bytesBefore).isEqualTo(logSize);

            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(KafkaClients.pollUntil(consumer, N)).hasSize(N);
            assertThat(meter("BytesOutPerSec", "topic", TOPIC).count()).as("each batch fetched once").isEqualTo(logSize);
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(N - 120)));

            // a request refused with an error code: the topic exists already
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicExistsException.class);

            PrometheusTextParser.Exposition metrics = scrape();
            Map<String, String> topic = Map.of("topic", TOPIC);
            Map<String, String> partition = Map.of("topic", TOPIC, "partition", "0");
            assertThat(metrics.types()).containsEntry("kafka_server_brokertopicmetrics_messagesin_total", "counter")
                    .containsEntry("kafka_network_requestmetrics_totaltime_seconds", "histogram")
                    .containsEntry("kafka_server_replicamanager_underreplicatedpartitions", "gauge");
            assertThat(metrics.value("kafka_server_brokertopicmetrics_messagesin_total", topic)).isEqualTo((double) N);
            assertThat(metrics.value("kafka_server_brokertopicmetrics_bytesin_total", topic)).isEqualTo((double) logSize);
            assertThat(metrics.value("kafka_server_brokertopicmetrics_bytesout_total", topic)).isEqualTo((double) logSize);
            assertThat(metrics.value("kafka_log_log_size", partition)).isEqualTo((double) logSize);
            assertThat(metrics.value("kafka_log_log_logendoffset", partition)).isEqualTo((double) N);
            assertThat(metrics.value("kafka_log_log_highwatermark", partition)).isEqualTo((double) N);
            assertThat(metrics.value("kafka_log_log_logstartoffset", partition)).isEqualTo(0.0);
            assertThat(metrics.value("kafka_log_log_numlogsegments", partition)).isEqualTo(1.0);
            assertThat(metrics.value("kafka_consumergroup_lag", Map.of("consumergroup", "lagging", "topic", TOPIC,
                    "partition", "0"))).isEqualTo(120.0);
            assertThat(metrics.value("kafka_network_requestmetrics_errors_total",
                    Map.of("request", "CreateTopics", "error", "TOPIC_ALREADY_EXISTS"))).isEqualTo(1.0);
            assertThat(metrics.value("kafka_network_requestmetrics_errors_total",
                    Map.of("request", "Produce", "error", "NONE"))).isGreaterThanOrEqualTo(1.0);
            double produceRequests = metrics.samples().stream()
                    .filter(s -> s.name().equals("kafka_network_requestmetrics_requests_total") && "Produce".equals(s.labels().get("request")))
                    .mapToDouble(PrometheusTextParser.Sample::value).sum();
            assertThat(produceRequests).isGreaterThanOrEqualTo(1.0);
            assertThat(metrics.value("kafka_network_requestmetrics_totaltime_seconds_count", Map.of("request", "Produce")))
                    .isEqualTo(produceRequests);
            assertThat(metrics.value("kafka_network_requestmetrics_totaltime_seconds_count", Map.of("request", "FetchConsumer")))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(metrics.value("kafka_network_requestmetrics_localtime_seconds_sum", Map.of("request", "Produce")))
                    .isLessThanOrEqualTo(metrics.value("kafka_network_requestmetrics_totaltime_seconds_sum", Map.of("request", "Produce")));
            assertThat(metrics.value("kafka_server_replicamanager_partitioncount")).isGreaterThanOrEqualTo(1.0);
            assertThat(metrics.value("kafka_server_replicamanager_underreplicatedpartitions")).isEqualTo(0.0);
            assertThat(metrics.value("kafka_controller_kafkacontroller_activecontrollercount")).isEqualTo(1.0);
            assertThat(metrics.value("kafka_controller_kafkacontroller_offlinepartitionscount")).isEqualTo(0.0);
            assertThat(metrics.value("kafka_network_socketserver_networkprocessoravgidlepercent")).isBetween(0.0, 1.0);
            assertThat(metrics.value("kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent_total")).isPositive();
            assertThat(metrics.value("jvm_memory_bytes_used", Map.of("area", "heap"))).isPositive();
            assertThat(metrics.value("jvm_threads_current")).isPositive();
            assertThat(metrics.types()).containsKey("jvm_gc_collection_seconds_count");

            // the Grafana dashboard in docs/ asks only for families the endpoint has
            String dashboard = java.nio.file.Files.readString(Path.of("../../docs/grafana-dashboard.json"));
            java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b((?:kafka|jvm|sluice)_[a-z0-9_]+)").matcher(dashboard);
            int referenced = 0;
            while (names.find()) {
                String family = names.group(1).replaceAll("_(bucket|sum|count)$", "");
                if (metrics.types().containsKey(family)
                        || metrics.types().containsKey(names.group(1))) {
                    referenced++;
                } else {
                    throw new AssertionError("the dashboard uses " + names.group(1) + ", which the endpoint does not have");
                }
            }
            assertThat(referenced).isGreaterThan(20);

            // JMX under Kafka's names, with Kafka's attributes
            assertThat(jmx("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=" + TOPIC, "Count")).isEqualTo((long) N);
            assertThat(jmx("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=" + TOPIC, "Count")).isEqualTo(logSize);
            assertThat(jmx("kafka.server:type=BrokerTopicMetrics,name=BytesOutPerSec,topic=" + TOPIC, "Count")).isEqualTo(logSize);
            for (String attribute : List.of("MeanRate", "OneMinuteRate", "FiveMinuteRate", "FifteenMinuteRate")) {
                assertThat(jmx("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec", attribute)).isInstanceOf(Double.class);
            }
            assertThat((Double) jmx("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec", "MeanRate")).isPositive();
            broker.broker().metrics().registry().tick(); // the 5 s tick, now: the one-minute rate sees the records
            assertThat((Double) jmx("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=" + TOPIC, "OneMinuteRate"))
                    .isPositive();
            for (String request : List.of("Produce", "FetchConsumer", "Fetch", "Metadata")) {
                for (String time : List.of("TotalTimeMs", "RequestQueueTimeMs", "LocalTimeMs", "RemoteTimeMs",
                        "ResponseQueueTimeMs", "ResponseSendTimeMs")) {
                    ObjectName name = new ObjectName("kafka.network:type=RequestMetrics,name=" + time + ",request=" + request);
                    assertThat((Long) mbeans.getAttribute(name, "Count")).as(name.toString()).isPositive();
                    for (String attribute : List.of("Min", "Max", "Mean", "StdDev", "50thPercentile", "99thPercentile", "999thPercentile")) {
                        assertThat(mbeans.getAttribute(name, attribute)).isInstanceOf(Double.class);
                    }
                }
            }
            assertThat(mbeans.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce,*"), null))
                    .isNotEmpty();
            assertThat(jmx("kafka.network:type=RequestMetrics,name=ErrorsPerSec,request=CreateTopics,error=TOPIC_ALREADY_EXISTS", "Count"))
                    .isEqualTo(1L);
            for (String gauge : List.of("UnderReplicatedPartitions", "PartitionCount", "LeaderCount")) {
                assertThat(jmx("kafka.server:type=ReplicaManager,name=" + gauge, "Value")).isInstanceOf(Double.class);
            }
            assertThat(jmx("kafka.server:type=ReplicaManager,name=IsrShrinksPerSec", "Count")).isEqualTo(0L);
            assertThat(jmx("kafka.server:type=ReplicaManager,name=IsrExpandsPerSec", "Count")).isEqualTo(0L);
            assertThat(jmx("kafka.controller:type=KafkaController,name=ActiveControllerCount", "Value")).isEqualTo(1.0);
            assertThat(jmx("kafka.controller:type=KafkaController,name=OfflinePartitionsCount", "Value")).isEqualTo(0.0);
            assertThat(jmx("kafka.network:type=SocketServer,name=NetworkProcessorAvgIdlePercent", "Value")).isInstanceOf(Double.class);
            assertThat(jmx("kafka.server:type=KafkaRequestHandlerPool,name=RequestHandlerAvgIdlePercent", "OneMinuteRate"))
                    .isInstanceOf(Double.class);

            // the partition's log under Kafka's kafka.log names
            String log = "kafka.log:type=Log,name=%s,topic=" + TOPIC + ",partition=0";
            assertThat(jmx(String.format(log, "Size"), "Value")).isEqualTo((double) logSize);
            assertThat(jmx(String.format(log, "LogEndOffset"), "Value")).isEqualTo((double) N);
            assertThat(jmx(String.format(log, "LogStartOffset"), "Value")).isEqualTo(0.0);
            assertThat(jmx(String.format(log, "NumLogSegments"), "Value")).isEqualTo(1.0);

            admin.deleteTopics(List.of(TOPIC)).all().get();
            assertThat(mbeans.isRegistered(new ObjectName("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=" + TOPIC)))
                    .as("a deleted topic's meters go").isFalse();
            broker.broker().metrics().registry().tick();
            assertThat(mbeans.isRegistered(new ObjectName(String.format(log, "Size")))).as("a deleted partition's log gauges go").isFalse();
        }
    }

    @Test
    void closingTheBrokerUnregistersItsBeansAndStopsTheEndpoint() throws Exception {
        HttpURLConnection other = get(broker.broker().metrics().httpPort(), "/other");
        assertThat(other.getResponseCode()).isEqualTo(404);
        other.disconnect();
        ObjectName name = new ObjectName("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec");
        assertThat(mbeans.isRegistered(name)).isTrue();
        int port = broker.broker().metrics().httpPort();
        broker.close();
        assertThat(mbeans.isRegistered(name)).isFalse();
        assertThatThrownBy(() -> get(port, "/metrics").getResponseCode()).isInstanceOf(IOException.class);
        broker = TestBroker.start(dir, Map.of()); // metrics.port unset: no endpoint
        assertThat(broker.broker().metrics().httpPort()).isEqualTo(-1);
    }
}
